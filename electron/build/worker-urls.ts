import { basename, dirname, relative } from 'node:path';
import type { Plugin } from 'vite';

/** `new URL('./name.worker.ts', import.meta.url)`, as core passes worker modules to startWorker. */
const WORKER_URL = /new URL\(\s*(['"])(\.{1,2}\/[^'"\n]+?\.worker)\.ts\1\s*,\s*import\.meta\.url\s*\)/g;
const PLACEHOLDER = /__NEARLAB_WORKER_([A-Za-z0-9_$-]+)__/g;

/**
 * Replaces each worker URL in `code` with a placeholder naming the emitted chunk: `emit(spec)`
 * emits the worker module as its own chunk and returns its reference id. Null when there is none.
 */
export async function markWorkerUrls(code: string, emit: (spec: string) => Promise<string>): Promise<string | null> {
  const matches = [...code.matchAll(WORKER_URL)];
  if (matches.length === 0) return null;
  let out = '';
  let last = 0;
  for (const m of matches) {
    const ref = await emit(`${m[2]}.ts`);
    out += `${code.slice(last, m.index)}new URL("__NEARLAB_WORKER_${ref}__", import.meta.url)`;
    last = m.index + m[0].length;
  }
  return out + code.slice(last);
}

/** Points each placeholder at the worker chunk, relative to the chunk the code ended up in. */
export function resolveWorkerUrls(code: string, chunkFile: string, fileOf: (ref: string) => string): string | null {
  if (!code.includes('__NEARLAB_WORKER_')) return null;
  return code.replace(PLACEHOLDER, (_m, ref: string) => {
    const rel = relative(dirname(chunkFile), fileOf(ref)).split('\\').join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  });
}

/**
 * Core starts worker threads from TypeScript sources next to it (core/util/workers.ts). In the
 * bundled utility process those files do not exist, so each worker becomes its own chunk
 * (out/main/workers/<name>.js) and its URL points there; startWorker then runs it directly.
 */
export function workerUrls(): Plugin {
  return {
    name: 'nearlab:worker-urls',
    apply: 'build',
    async transform(code, id) {
      if (!id.endsWith('.ts') || !code.includes('.worker.ts')) return null;
      return markWorkerUrls(code, async (spec) => {
        const resolved = await this.resolve(spec, id);
        if (!resolved) throw new Error(`worker module ${spec} (from ${id}) not found`);
        return this.emitFile({ type: 'chunk', id: resolved.id, fileName: `workers/${basename(spec, '.ts')}.js` });
      });
    },
    renderChunk(code, chunk) {
      const out = resolveWorkerUrls(code, chunk.fileName, (ref) => this.getFileName(ref));
      return out === null ? null : { code: out, map: null };
    },
  };
}
