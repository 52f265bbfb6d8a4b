import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running `moduleUrl`. TypeScript sources (as run by the CLI through tsx
 * and by vitest) go through a small bootstrap that registers tsx inside the worker; built
 * JavaScript runs directly. The worker reads its own data from `workerData.data`.
 */
export function startWorker(moduleUrl: URL, data: unknown, options: WorkerOptions = {}): Worker {
  const isTs = moduleUrl.pathname.endsWith('.ts');
  const entry = isTs ? new URL('./ts-worker-bootstrap.mjs', import.meta.url) : moduleUrl;
  return new Worker(entry, {
    ...options,
    workerData: { __nearlabWorkerModule: moduleUrl.href, data },
  });
}
