import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.ts';
import { tempDir } from '../../../test/helpers/corpus.ts';
import { createEmbeddedLab } from '../../service/testing/embedded-lab.ts';

let labPath: string;
const dir = tempDir('nearlab-export-');

beforeAll(() => {
  const { lab } = createEmbeddedLab();
  labPath = lab.path;
  lab.close();
});

describe('nearlab export --out', () => {
  it('says in one line that an existing file is a file, not a folder (exit 1, no stack)', async () => {
    const file = join(dir, 'projector.tsv');
    writeFileSync(file, 'keep me');
    const r = await runCli(['export', '--lab', labPath, '--out', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`nearlab: --out ${file} is a file, not a folder\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('says so when a folder on the way is a file', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    const out = join(file, 'projector');
    const r = await runCli(['export', '--lab', labPath, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^nearlab: cannot make the folder ${out}: .*not a directory.*\\n$`));
  });

  it('says in one line which file it cannot write', async () => {
    const out = join(dir, 'blocked');
    mkdirSync(join(out, 'vectors.tsv'), { recursive: true });
    const r = await runCli(['export', '--lab', labPath, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^nearlab: cannot write ${join(out, 'vectors.tsv')}: EISDIR.*\\n$`));
  });

  it('writes vectors.tsv and metadata.tsv into a new folder', async () => {
    const out = join(dir, 'new', 'projector');
    const r = await runCli(['export', '--lab', labPath, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const n = JSON.parse(r.stdout) as { images: number; captions: number };
    expect(readFileSync(join(out, 'vectors.tsv'), 'utf8').trim().split('\n')).toHaveLength(n.images + n.captions);
    expect(readFileSync(join(out, 'metadata.tsv'), 'utf8').trim().split('\n')).toHaveLength(n.images + n.captions + 1);
  });
});
