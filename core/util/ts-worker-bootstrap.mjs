// Worker entry used when the worker's real module is TypeScript source (CLI via tsx, vitest).
// Worker threads do not inherit loader hooks registered with module.register(), so each
// worker registers tsx itself before importing its module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__nearlabWorkerModule);
