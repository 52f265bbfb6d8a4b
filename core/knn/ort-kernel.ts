import { HeapSet } from './heap.ts';
import { keyErrorScale } from './kernel.ts';
import { normaliseRows, type Matrix } from './matrix.ts';
import { scoreTopKModel } from './onnx-model.ts';
import type { PreparedGallery, ShardCandidates } from './topk.ts';

/**
 * Dot-product top-k with ONNX Runtime (optional dependency `onnxruntime-node`): one Gemm + TopK graph run by
 * its MLAS kernels (AVX2/AVX-512 FMA) on its own thread pool. Measured on this machine (2 vCPU, AVX-512), 2000
 * queries × 20000 rows × 128-d, top-13 candidates: 0.049 s with 2 threads, against faiss IndexFlatIP 0.16 s and
 * the TF.js wasm kernel on 2 workers 0.27 s; one query over 100k rows 1.4 ms. The candidates it returns are
 * refined exactly (topk.ts `refine`) like every other kernel's.
 *
 * Keys follow kernel.ts: 'cos' ranks by −q̂·ĝ (gallery and queries normalised here), 'l2' by ‖g‖² − 2q·g
 * (Gemm with alpha = 2 and bias −‖g‖², so TopK's "largest" is the smallest key).
 */

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Upper bound on scores held at once (32 MB), which sets how many queries go into one run. */
const MAX_BLOCK_VALUES = 8 * 1024 * 1024;

let loaded: Promise<Ort> | null = null;

/** Loads onnxruntime-node once; rejects when the optional dependency is missing or its binary cannot load. */
export function loadOrt(): Promise<Ort> {
  loaded ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return loaded;
}

export interface OrtKernel {
  readonly threads: number;
  /** Up to `cap` best candidates per query (fewer when the mask allows fewer rows). */
  scan(q: Matrix, cap: number, mask: Uint8Array | null): Promise<ShardCandidates>;
  dispose(): Promise<void>;
}

export async function createOrtKernel(prep: PreparedGallery, threads: number): Promise<OrtKernel> {
  const ort = await loadOrt();
  const cos = prep.metric === 'cosine';
  const { rows: n, dim } = prep.vectors;
  const gallery = cos ? normaliseRows(prep.vectors).data : prep.vectors.data;
  const bias = new Float32Array(n);
  if (!cos) for (let i = 0; i < n; i++) bias[i] = -prep.norms[i];
  const session: Session = await ort.InferenceSession.create(scoreTopKModel(cos ? 1 : 2), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const g = new ort.Tensor('float32', gallery, [n, dim]);
  const errScale = keyErrorScale('f32', dim);
  return {
    threads,
    async scan(q, cap, mask) {
      const kk = Math.min(cap, n);
      const heaps = new HeapSet(q.rows, kk);
      let b = bias;
      if (mask !== null) {
        b = bias.slice();
        for (let i = 0; i < n; i++) if (mask[i] !== 1) b[i] = -Infinity;
      }
      const feedsBase = {
        G: g,
        B: new ort.Tensor('float32', b, [n]),
        K: new ort.Tensor('int64', BigInt64Array.of(BigInt(kk)), [1]),
      };
      const blockRows = Math.max(1, Math.floor(MAX_BLOCK_VALUES / Math.max(1, n)));
      for (let q0 = 0; q0 < q.rows; q0 += blockRows) {
        const bq = Math.min(blockRows, q.rows - q0);
        let block = q.data.subarray(q0 * dim, (q0 + bq) * dim);
        if (cos) block = normaliseRows({ data: block, rows: bq, dim }).data;
        const out = await session.run({ ...feedsBase, Q: new ort.Tensor('float32', block, [bq, dim]) });
        const values = out.V.data as Float32Array;
        const indices = out.I.data as BigInt64Array;
        for (let i = 0; i < bq; i++) {
          for (let j = 0; j < kk; j++) {
            const v = values[i * kk + j];
            if (v === -Infinity) break;
            heaps.push(q0 + i, -v, Number(indices[i * kk + j]));
          }
        }
        for (const t of Object.values(out)) t.dispose();
      }
      return { heaps, errScale };
    },
    async dispose() {
      await session.release();
    },
  };
}
