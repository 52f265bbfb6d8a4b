import type { HeapSet } from './heap.ts';

/**
 * Inner kernels of exact search. Dot-product modes rank by an approximate key that is refined exactly later:
 *   'l2'  key = ‖g‖² − 2q·g   (add ‖q‖² for the squared distance)
 *   'cos' key = −q·g/(‖q‖‖g‖) (add 1 for the cosine distance)
 *
 * Kernel choice, measured on this machine (2 vCPU, AVX-512, Node 20), 2000 queries × 20000 rows × 128-d dot products,
 * one thread:
 *   hand-written 4×4 register-blocked JS loop (float64 accumulation) ........ 3.4–3.9 s  (1.3–1.5 GMAC/s)
 *   TF.js wasm (XNNPACK SIMD) matMul(Q, G, transposeB=true) .................. 4.0–4.9 s  (1.0–1.3 GMAC/s)
 *   TF.js wasm matMul(Q, Gᵀ) with Gᵀ pre-transposed once, incl. dataSync ..... 0.65–0.78 s (6.6–7.9 GMAC/s)
 *   ONNX Runtime (MLAS, FMA) Gemm(Q, G, transB) + TopK ........................ 0.09 s     (~55 GMAC/s)
 *   usearch exactSearch (SimSIMD, one pair at a time) ......................... 2.9 s
 * So big searches run on ONNX Runtime when the optional onnxruntime-node loads (ort-kernel.ts: whole search 0.07–0.08 s
 * on 2 threads against faiss IndexFlat 0.15 s in the same run of test/bench/knn.bench.ts), else on TF.js wasm over a
 * pre-transposed gallery shard in each of 2 worker threads (exact.worker.ts: 0.27–0.29 s). The calling thread (small
 * inputs, and no global TF.js backend switch there) uses the JS loop below, whose float64 accumulation also makes its
 * keys nearly exact.
 */
export type ScanMode = 'l2' | 'cos';

/** A contiguous range of gallery rows plus what the kernels need to rank them. */
export interface Shard {
  /** Whole gallery, row-major; rows [start, end) are scanned. Row indices reported are global. */
  gallery: Float32Array;
  dim: number;
  start: number;
  end: number;
  /** Squared L2 norm of every gallery row (global indexing). */
  norms: Float64Array;
  mode: ScanMode;
  /** 1 = row may be returned; null = all rows allowed. Global indexing. */
  mask: Uint8Array | null;
}

const QB = 32;
const TB = 256;

/** Bound on |key − true key| relative to the key's scale: (‖q‖² + max‖g‖²) for 'l2', 1 for 'cos'. */
export function keyErrorScale(kernel: 'js' | 'f32', dim: number): number {
  // f64 accumulation: ≤ d·2⁻⁵³ per dot; f32 GEMM: ≤ d·2⁻²⁴; both doubled for safety, plus normalisation slack.
  return kernel === 'js' ? (dim + 8) * 2 ** -51 : (dim + 8) * 2 ** -23;
}

/** Offers every allowed shard row to each query's heap, ranked by the mode's key (JS float64 kernel). */
export function scanDotsJs(
  shard: Shard,
  queries: Float32Array,
  nq: number,
  qNorms: Float64Array,
  heaps: HeapSet,
): void {
  const { gallery, dim, start, end, norms, mode, mask } = shard;
  const dots = new Float64Array(QB * TB);
  const gScale = new Float64Array(TB);
  for (let q0 = 0; q0 < nq; q0 += QB) {
    const qn = Math.min(QB, nq - q0);
    for (let g0 = start; g0 < end; g0 += TB) {
      const gn = Math.min(TB, end - g0);
      dotBlock(queries, q0, qn, gallery, g0, gn, dim, dots);
      for (let j = 0; j < gn; j++) {
        const n2 = norms[g0 + j];
        gScale[j] = mode === 'l2' ? n2 : n2 > 0 ? 1 / Math.sqrt(n2) : 0;
      }
      for (let i = 0; i < qn; i++) {
        const q = q0 + i;
        let thr = heaps.threshold(q);
        const o = i * TB;
        if (mode === 'l2') {
          for (let j = 0; j < gn; j++) {
            const key = gScale[j] - 2 * dots[o + j];
            if (key < thr && (mask === null || mask[g0 + j] === 1)) thr = heaps.push(q, key, g0 + j);
          }
        } else {
          const qs = qNorms[q] > 0 ? -1 / Math.sqrt(qNorms[q]) : 0;
          for (let j = 0; j < gn; j++) {
            const key = dots[o + j] * gScale[j] * qs;
            if (key < thr && (mask === null || mask[g0 + j] === 1)) thr = heaps.push(q, key, g0 + j);
          }
        }
      }
    }
  }
}

/** Same as scanDotsJs for precomputed float32 dot products of `nq` queries with the shard (row-major nq × shardRows). */
export function selectFromDots(
  shard: Shard,
  dots: Float32Array,
  q0: number,
  nq: number,
  qNorms: Float64Array,
  heaps: HeapSet,
): void {
  const { start, end, norms, mode, mask } = shard;
  const width = end - start;
  for (let i = 0; i < nq; i++) {
    const q = q0 + i;
    let thr = heaps.threshold(q);
    const o = i * width - start;
    if (mode === 'l2') {
      for (let j = start; j < end; j++) {
        const key = norms[j] - 2 * dots[o + j];
        if (key < thr && (mask === null || mask[j] === 1)) thr = heaps.push(q, key, j);
      }
    } else {
      // Shard rows and queries were normalised before the product, so the key is just −dot.
      for (let j = start; j < end; j++) {
        const key = -dots[o + j];
        if (key < thr && (mask === null || mask[j] === 1)) thr = heaps.push(q, key, j);
      }
    }
  }
}

/** Exact L1 scan with early exit (partial sums of non-negative terms never decrease, even in floating point). */
export function scanL1(shard: Shard, queries: Float32Array, nq: number, heaps: HeapSet): void {
  const { gallery, dim, start, end, mask } = shard;
  for (let q = 0; q < nq; q++) {
    const qo = q * dim;
    let thr = heaps.threshold(q);
    for (let j = start; j < end; j++) {
      if (mask !== null && mask[j] !== 1) continue;
      const go = j * dim;
      let s = 0;
      let p = 0;
      for (; p + 8 <= dim && s < thr; p += 8) {
        s +=
          Math.abs(queries[qo + p] - gallery[go + p]) +
          Math.abs(queries[qo + p + 1] - gallery[go + p + 1]) +
          Math.abs(queries[qo + p + 2] - gallery[go + p + 2]) +
          Math.abs(queries[qo + p + 3] - gallery[go + p + 3]) +
          Math.abs(queries[qo + p + 4] - gallery[go + p + 4]) +
          Math.abs(queries[qo + p + 5] - gallery[go + p + 5]) +
          Math.abs(queries[qo + p + 6] - gallery[go + p + 6]) +
          Math.abs(queries[qo + p + 7] - gallery[go + p + 7]);
      }
      if (s >= thr) continue;
      for (; p < dim; p++) s += Math.abs(queries[qo + p] - gallery[go + p]);
      if (s < thr) thr = heaps.push(q, s, j);
    }
  }
}

/**
 * dots[i*TB + j] = q[q0+i] · g[g0+j] for i < qn ≤ QB, j < gn ≤ TB, with 4×4 register blocking.
 */
// prettier-ignore
function dotBlock(q: Float32Array, q0: number, qn: number, g: Float32Array, g0: number, gn: number, d: number, dots: Float64Array): void {
  const q4 = qn & ~3;
  const g4 = gn & ~3;
  for (let i = 0; i < q4; i += 4) {
    const a0 = (q0 + i) * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    for (let j = 0; j < g4; j += 4) {
      const b0 = (g0 + j) * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < d; p++) {
        const x0 = q[a0 + p], x1 = q[a1 + p], x2 = q[a2 + p], x3 = q[a3 + p];
        const y0 = g[b0 + p], y1 = g[b1 + p], y2 = g[b2 + p], y3 = g[b3 + p];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      let o = i * TB + j;
      dots[o] = s00; dots[o + 1] = s01; dots[o + 2] = s02; dots[o + 3] = s03; o += TB;
      dots[o] = s10; dots[o + 1] = s11; dots[o + 2] = s12; dots[o + 3] = s13; o += TB;
      dots[o] = s20; dots[o + 1] = s21; dots[o + 2] = s22; dots[o + 3] = s23; o += TB;
      dots[o] = s30; dots[o + 1] = s31; dots[o + 2] = s32; dots[o + 3] = s33;
    }
    for (let j = g4; j < gn; j++) {
      const b = (g0 + j) * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < d; p++) {
        const y = g[b + p];
        s0 += q[a0 + p] * y; s1 += q[a1 + p] * y; s2 += q[a2 + p] * y; s3 += q[a3 + p] * y;
      }
      dots[i * TB + j] = s0;
      dots[(i + 1) * TB + j] = s1;
      dots[(i + 2) * TB + j] = s2;
      dots[(i + 3) * TB + j] = s3;
    }
  }
  for (let i = q4; i < qn; i++) {
    const a = (q0 + i) * d;
    for (let j = 0; j < g4; j += 4) {
      const b0 = (g0 + j) * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < d; p++) {
        const x = q[a + p];
        s0 += x * g[b0 + p]; s1 += x * g[b1 + p]; s2 += x * g[b2 + p]; s3 += x * g[b3 + p];
      }
      const o = i * TB + j;
      dots[o] = s0;
      dots[o + 1] = s1;
      dots[o + 2] = s2;
      dots[o + 3] = s3;
    }
    for (let j = g4; j < gn; j++) {
      const b = (g0 + j) * d;
      let s = 0;
      for (let p = 0; p < d; p++) s += q[a + p] * g[b + p];
      dots[i * TB + j] = s;
    }
  }
}
