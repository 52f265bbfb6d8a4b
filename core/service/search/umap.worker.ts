// Worker thread computing one UMAP layout (see umap.ts), so the server's event loop stays free meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { umapLayout, type UmapJob } from './umap.ts';

const job = (workerData as { data: UmapJob }).data;
const xy = umapLayout(job);
parentPort!.postMessage(xy, [xy.buffer as ArrayBuffer]);
