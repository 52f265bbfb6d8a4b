import { UMAP } from 'umap-js';
import { startWorker } from '../../util/workers.ts';
import { createRng } from '../../util/random.ts';

/** Rows of a matrix to lay out in 2-D by UMAP. */
export interface UmapJob {
  data: Float32Array;
  rows: number;
  dim: number;
  seed: number;
}

/** The UMAP layout (x0, y0, x1, y1, …) of the rows, seeded: the same job gives the same picture. */
export function umapLayout(job: UmapJob): Float64Array {
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(15, job.rows - 1),
    minDist: 0.1,
    random: createRng(job.seed).next,
  });
  const rows = Array.from({ length: job.rows }, (_, r) =>
    Array.from(job.data.subarray(r * job.dim, (r + 1) * job.dim)),
  );
  return Float64Array.from(umap.fit(rows).flat());
}

/** `umapLayout` on a worker thread (seconds of work for a few thousand points, which would block the caller). */
export function umapLayoutOffThread(job: UmapJob): Promise<Float64Array> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL('./umap.worker.ts', import.meta.url), job);
    worker.once('message', (xy: Float64Array) => resolve(xy));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the UMAP worker stopped (exit ${code}) before answering`)));
  });
}
