import type { HeapSet } from './heap.ts';
import { selectFromDots, type Shard } from './kernel.ts';
import { normaliseRows } from './matrix.ts';

/** Upper bound on floats in one block of scores (8 MB), which sets how many queries go into one product. */
const MAX_BLOCK_VALUES = 2 * 1024 * 1024;

/**
 * Dot-product scan with TF.js wasm (XNNPACK SIMD) on a pre-transposed shard. Only for worker threads: it switches
 * the TF.js global backend of the thread that loads it.
 */
export interface TfKernel {
  scan(queries: Float32Array, nq: number, qNorms: Float64Array, mask: Uint8Array | null, heaps: HeapSet): void;
  dispose(): void;
}

export async function createTfKernel(shard: Shard): Promise<TfKernel> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to initialise');
  await tf.ready();
  const { dim, start, end, mode } = shard;
  const width = end - start;
  const slice = shard.gallery.subarray(start * dim, end * dim);
  const rows = mode === 'cos' ? normaliseRows({ data: slice, rows: width, dim }).data : slice.slice();
  const gT = tf.tidy(() => tf.transpose(tf.tensor2d(rows, [width, dim])));
  const blockRows = Math.max(1, Math.floor(MAX_BLOCK_VALUES / Math.max(1, width)));
  return {
    scan(queries, nq, qNorms, mask, heaps) {
      const view: Shard = { ...shard, mask };
      for (let q0 = 0; q0 < nq; q0 += blockRows) {
        const bq = Math.min(blockRows, nq - q0);
        const raw = queries.subarray(q0 * dim, (q0 + bq) * dim);
        const block = mode === 'cos' ? normaliseRows({ data: raw, rows: bq, dim }).data : raw.slice();
        const qt = tf.tensor2d(block, [bq, dim]);
        const s = tf.matMul(qt, gT);
        const dots = s.dataSync() as Float32Array;
        qt.dispose();
        s.dispose();
        selectFromDots(view, dots, q0, bq, qNorms, heaps);
      }
    },
    dispose() {
      gT.dispose();
    },
  };
}
