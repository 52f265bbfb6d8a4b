import * as tf from '@tensorflow/tfjs';
import type { RecallScores } from '../store/models.ts';

/** Cross-modal retrieval metrics on unit-length embeddings (cosine = dot product). */

export interface CrossModalMetrics {
  t2i: RecallScores;
  i2t: RecallScores;
  images: number;
  captions: number;
}

/** Median as numpy computes it (mean of the two middle values for an even count). */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function scores(ranks: ArrayLike<number>): RecallScores {
  const n = ranks.length;
  const at = (k: number) => {
    let c = 0;
    for (let i = 0; i < n; i++) if (ranks[i] <= k) c++;
    return n ? c / n : 0;
  };
  return { r1: at(1), r5: at(5), r10: at(10), medianRank: median(ranks) };
}

/** Calls `f(start, sims)` with blocks of rows of A·Bᵀ (sims is rows×nb, row-major). */
function similarityBlocks(
  a: Float32Array,
  na: number,
  b: Float32Array,
  nb: number,
  dim: number,
  f: (start: number, sims: Float32Array, rows: number) => void,
): void {
  const block = 256;
  const bt = tf.tensor2d(b, [nb, dim]);
  try {
    for (let start = 0; start < na; start += block) {
      const rows = Math.min(block, na - start);
      const sims = tf.tidy(() =>
        tf.matMul(tf.tensor2d(a.subarray(start * dim, (start + rows) * dim), [rows, dim]), bt, false, true),
      );
      f(start, sims.dataSync() as Float32Array, rows);
      sims.dispose();
    }
  } finally {
    bt.dispose();
  }
}

/** Text→image rank of each caption (crossModalRecall's): 1 + the images scoring strictly higher than its own. */
export function textToImageRanks(
  images: Float32Array,
  nImages: number,
  captions: Float32Array,
  captionImage: Int32Array,
  dim: number,
): Float64Array {
  const nCaptions = captionImage.length;
  const ranks = new Float64Array(nCaptions);
  similarityBlocks(captions, nCaptions, images, nImages, dim, (start, sims, rows) => {
    for (let r = 0; r < rows; r++) {
      const c = start + r;
      const own = sims[r * nImages + captionImage[c]];
      let rank = 1;
      for (let j = 0; j < nImages; j++) if (sims[r * nImages + j] > own) rank++;
      ranks[c] = rank;
    }
  });
  return ranks;
}

/**
 * Text→image: each caption queries all images; its rank is 1 + the images scoring strictly higher
 * than its own. Image→text: each image queries all captions; its rank is that of its best caption.
 * `captionImage[c]` is the image row caption c belongs to.
 */
export function crossModalRecall(
  images: Float32Array,
  nImages: number,
  captions: Float32Array,
  captionImage: Int32Array,
  dim: number,
): CrossModalMetrics {
  const nCaptions = captionImage.length;
  const t2iRanks = textToImageRanks(images, nImages, captions, captionImage, dim);
  const i2tRanks: number[] = [];
  similarityBlocks(images, nImages, captions, nCaptions, dim, (start, sims, rows) => {
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      let best = -Infinity;
      for (let c = 0; c < nCaptions; c++) if (captionImage[c] === i) best = Math.max(best, sims[r * nCaptions + c]);
      if (best === -Infinity) continue; // an image without captions has nothing to retrieve
      let rank = 1;
      for (let c = 0; c < nCaptions; c++) if (captionImage[c] !== i && sims[r * nCaptions + c] > best) rank++;
      i2tRanks.push(rank);
    }
  });
  return { t2i: scores(t2iRanks), i2t: scores(i2tRanks), images: nImages, captions: nCaptions };
}
