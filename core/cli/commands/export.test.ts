import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../../../test/helpers/cli.ts';
import { makeImage, tempDir } from '../../../test/helpers/corpus.ts';
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

describe('nearlab export --format webdataset', () => {
  it('writes the shards and prints where they are, with the numbers OpenCLIP needs, as one JSON object', async () => {
    const photos = tempDir('nearlab-export-wds-photos-');
    writeFileSync(join(photos, 'a.png'), await makeImage('png', 1));
    writeFileSync(join(photos, 'b.jpg'), await makeImage('jpeg', 2));
    writeFileSync(join(photos, 'c.png'), await makeImage('png', 3));
    writeFileSync(join(photos, 'captions.csv'), 'file,caption\na.png,a red thing\nb.jpg,a blue thing\n');
    const lab = join(tempDir('nearlab-export-wds-'), 'wds.nearlab');
    await runCliJson(['import', photos, '--lab', lab, '--no-features', '--no-embed']);
    const out = join(dir, 'wds');
    const r = await runCliJson<{ samples: number; shards: string[]; pattern: string; noCaption: number }>([
      'export',
      '--format',
      'webdataset',
      '--lab',
      lab,
      '--out',
      out,
      '--shard-size',
      '1',
    ]);
    expect(r).toMatchObject({ samples: 2, noCaption: 1, pattern: join(out, 'shard-{000000..000001}.tar') });
    expect(r.shards.map((s) => statSync(join(out, s)).size % 512)).toEqual([0, 0]);

    const plain = await runCli(['export', '--format', 'webdataset', '--lab', lab, '--out', out]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`--train-data '${join(out, 'shard-000000.tar')}' --train-num-samples 2`);
    expect(plain.stdout).toContain('left out 1 item without a caption');
  }, 60_000);

  it('says which options belong to which format', async () => {
    const bad = await runCli(['export', '--format', 'zip', '--lab', labPath, '--out', dir]);
    expect(bad.stderr).toBe('nearlab: --format: --format must be projector or webdataset\n');
    const model = await runCli(['export', '--format', 'webdataset', '--model', '1', '--lab', labPath, '--out', dir]);
    expect(model.stderr).toBe('nearlab: --model is for --format projector: webdataset exports images\n');
    const split = await runCli(['export', '--split', 'train', '--lab', labPath, '--out', dir]);
    expect(split.stderr).toBe('nearlab: --split and --shard-size are for --format webdataset\n');
  });
});
