import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.ts';
import { tempDir } from '../../test/helpers/corpus.ts';
import { CAN_MAKE_FIFO, makeFifo } from '../util/testing/fifo.ts';

const dir = tempDir('nearlab-cli-image-');
const lab = join(dir, 'none.lab');
/** A command that waits on a pipe would never end: the child is killed after this, and the test fails. */
const run = (args: string[]) => runCli(args, { timeout: 30_000 });

describe('image files named on the command line', () => {
  it.skipIf(!CAN_MAKE_FIFO)('search --image and classify --image refuse a named pipe at once, naming it', async () => {
    const pipe = join(dir, 'photo.png');
    makeFifo(pipe);
    for (const args of [
      ['search', '--lab', lab, '--image', pipe],
      ['classify', '--lab', lab, '--image', pipe, '--knn', '3'],
    ]) {
      const r = await run(args);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`nearlab: ${pipe} is not a regular file (it is a named pipe)\n`);
    }
  });

  it('refuse a folder the same way, in one line', async () => {
    const folder = join(dir, 'folder.png');
    mkdirSync(folder);
    const r = await run(['search', '--lab', lab, '--image', folder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`nearlab: ${folder} is not a regular file (it is a folder)\n`);
  });

  it('say which file is missing', async () => {
    const missing = join(dir, 'missing.png');
    const r = await run(['classify', '--lab', lab, '--image', missing, '--knn', '3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^nearlab: cannot read ${missing}: ENOENT`));
  });
});
