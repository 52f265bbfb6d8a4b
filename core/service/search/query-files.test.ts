import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../store/lab.ts';
import { CAN_MAKE_FIFO, makeFifo } from '../../util/testing/fifo.ts';
import { createEmbeddedLab } from '../testing/embedded-lab.ts';
import { createSearchContext, type SearchContext } from './context.ts';
import { SearchError } from './errors.ts';

let lab: Lab;
let modelId: number;
let ctx: SearchContext;
const dir = mkdtempSync(join(tmpdir(), 'nearlab-query-files-'));

beforeAll(() => {
  ({ lab, modelId } = createEmbeddedLab());
  ctx = createSearchContext(lab, { allowFiles: true });
});
afterAll(() => lab.close());

describe('image files named in query expressions (the CLI)', () => {
  it.skipIf(!CAN_MAKE_FIFO)('refuse a named pipe at once, naming it, instead of waiting for a writer', async () => {
    const pipe = join(dir, 'photo.png');
    makeFifo(pipe);
    const t0 = performance.now();
    const refused = ctx.encoder.query(modelId, { expression: `${pipe} - "green"` });
    await expect(refused).rejects.toThrow(SearchError);
    await expect(refused).rejects.toThrow(`${pipe} is not a regular file (it is a named pipe)`);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('refuse a folder, naming it', async () => {
    const folder = join(dir, 'folder.png');
    mkdirSync(folder);
    await expect(ctx.encoder.query(modelId, { expression: folder })).rejects.toThrow(
      `${folder} is not a regular file (it is a folder)`,
    );
  });
});
