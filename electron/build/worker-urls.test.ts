import { describe, expect, it } from 'vitest';
import { markWorkerUrls, resolveWorkerUrls } from './worker-urls.ts';

describe('worker URLs in the bundled core', () => {
  it('replaces each TypeScript worker URL with its emitted chunk', async () => {
    const emitted: string[] = [];
    const code = [
      `const a = startWorker(new URL('./exact.worker.ts', import.meta.url), init);`,
      `const b = startWorker(new URL("../api/theory.worker.ts", import.meta.url), null);`,
      `const c = new URL('./ts-worker-bootstrap.mjs', import.meta.url);`,
    ].join('\n');
    const out = await markWorkerUrls(code, async (spec) => {
      emitted.push(spec);
      return `ref${emitted.length}`;
    });
    expect(emitted).toEqual(['./exact.worker.ts', '../api/theory.worker.ts']);
    expect(out).toContain('new URL("__NEARLAB_WORKER_ref1__", import.meta.url)');
    expect(out).toContain('new URL("__NEARLAB_WORKER_ref2__", import.meta.url)');
    expect(out).toContain(`new URL('./ts-worker-bootstrap.mjs', import.meta.url)`);

    const files: Record<string, string> = { ref1: 'workers/exact.worker.js', ref2: 'workers/theory.worker.js' };
    expect(resolveWorkerUrls(out!, 'utility.js', (r) => files[r])).toContain(
      `new URL("./workers/exact.worker.js", import.meta.url)`,
    );
    expect(resolveWorkerUrls(out!, 'chunks/service-x.js', (r) => files[r])).toContain(
      `new URL("../workers/theory.worker.js", import.meta.url)`,
    );
  });

  it('leaves code without worker URLs alone', async () => {
    expect(await markWorkerUrls(`new URL('./data.json', import.meta.url)`, async () => 'x')).toBeNull();
    expect(resolveWorkerUrls('const x = 1;', 'index.js', () => 'never')).toBeNull();
  });
});
