import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MARGIN, type LossOptions, type Mining } from './loss-options.ts';

/**
 * Losses on a batch of L2-normalised image and text embeddings (row i of each is pair i).
 * `positives` is a B×B 0/1 matrix: 1 where image i and text j belong together (always the
 * diagonal; also same-label pairs in supervised mode, and identical texts).
 * Squared distances between unit vectors are d² = 2 − 2·cos.
 */

/** CLIP's initial temperature: logit scale = ln(1/0.07). */
export const LOGIT_SCALE_INIT = Math.log(1 / 0.07);
/** The logit scale is clamped at ln 100. */
export const LOGIT_SCALE_MAX = Math.log(100);

/** Symmetric InfoNCE (N-pair) with soft targets spread evenly over each row's positives. */
export function npairLoss(img: tf.Tensor2D, txt: tf.Tensor2D, logScale: tf.Scalar, positives: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const scale = tf.exp(tf.minimum(logScale, LOGIT_SCALE_MAX));
    const logits = tf.mul(tf.matMul(img, txt, false, true), scale) as tf.Tensor2D;
    const rowTargets = tf.div(positives, tf.sum(positives, 1, true));
    const colTargets = tf.div(tf.transpose(positives), tf.sum(tf.transpose(positives), 1, true));
    const i2t = tf.neg(tf.mean(tf.sum(tf.mul(rowTargets, tf.logSoftmax(logits, 1)), 1)));
    const t2i = tf.neg(tf.mean(tf.sum(tf.mul(colTargets, tf.logSoftmax(tf.transpose(logits), 1)), 1)));
    return tf.div(tf.add(i2t, t2i), 2) as tf.Scalar;
  });
}

/** Pairwise contrastive loss, positives and negatives averaged separately so neither swamps the other. */
export function contrastiveLoss(img: tf.Tensor2D, txt: tf.Tensor2D, positives: tf.Tensor2D, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const d2 = squaredDistances(img, txt);
    const negatives = tf.sub(1, positives);
    const pos = tf.div(tf.sum(tf.mul(positives, d2)), tf.maximum(tf.sum(positives), 1));
    const neg = tf.div(tf.sum(tf.mul(negatives, tf.relu(tf.sub(margin, d2)))), tf.maximum(tf.sum(negatives), 1));
    return tf.add(pos, neg) as tf.Scalar;
  });
}

/** Triplet loss max(d²(a,p) − d²(a,n) + m, 0), images as anchors against texts and texts against images, averaged. */
export function tripletLoss(
  img: tf.Tensor2D,
  txt: tf.Tensor2D,
  positives: tf.Tensor2D,
  margin: number,
  mining: Mining,
): tf.Scalar {
  return tf.tidy(() => {
    const d2 = squaredDistances(img, txt);
    const pos = positives.arraySync();
    const i2t = tripletFromDistances(d2, pos, margin, mining);
    const t2i = tripletFromDistances(tf.transpose(d2), transpose(pos), margin, mining);
    return tf.div(tf.add(i2t, t2i), 2) as tf.Scalar;
  });
}

function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.sub(2, tf.mul(tf.matMul(a, b, false, true), 2)) as tf.Tensor2D;
}

function transpose(m: number[][]): number[][] {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/** One direction of the triplet loss: rows of d2 are anchors, columns candidates; pos marks each anchor's positives. */
export function tripletFromDistances(d2: tf.Tensor2D, pos: number[][], margin: number, mining: Mining): tf.Scalar {
  const n = pos.length;
  const m = pos[0].length;
  const anchors: number[] = [];
  const positives: number[] = [];
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < m; p++) {
      if (!pos[a][p]) continue;
      anchors.push(a);
      positives.push(p);
    }
  }
  if (anchors.length === 0) return tf.scalar(0);
  const aIdx = tf.tensor1d(anchors, 'int32');
  const pairIdx = tf.tensor1d(
    anchors.map((a, k) => a * m + positives[k]),
    'int32',
  );
  const flat = tf.reshape(d2, [-1]);
  const dap = tf.gather(flat, pairIdx); // [P]
  const rows = tf.gather(d2, aIdx); // [P, m]: each pair's anchor row
  const negMask = tf.tensor2d(
    anchors.map((a) => pos[a].map((v) => (v ? 0 : 1))),
    [anchors.length, m],
  );
  if (mining === 'all') {
    // Batch-all: every (anchor, positive, negative) triplet; mean over those with a positive loss.
    const l = tf.mul(tf.relu(tf.add(tf.sub(tf.expandDims(dap, 1), rows), margin)), negMask);
    // The count of active triplets is a constant of the batch (comparisons have no gradient).
    const active = (l.dataSync() as Float32Array).reduce((c, v) => c + (v > 1e-12 ? 1 : 0), 0);
    return tf.div(tf.sum(l), Math.max(active, 1)) as tf.Scalar;
  }
  let chosen: tf.Tensor1D;
  if (mining === 'hardest') {
    // The closest negative (positives pushed out of the minimum by a large offset).
    chosen = tf.min(tf.add(rows, tf.mul(tf.sub(1, negMask), 1e4)), 1) as tf.Tensor1D;
  } else {
    // Semi-hard: the closest negative farther than the positive; if none, the farthest negative.
    const dapV = dap.dataSync();
    const rowsV = rows.arraySync() as number[][];
    const neg = negMask.arraySync() as number[][];
    const pick = new Float32Array(anchors.length * m);
    for (let k = 0; k < anchors.length; k++) {
      let best = -1;
      let fallback = -1;
      for (let j = 0; j < m; j++) {
        if (!neg[k][j]) continue;
        const v = rowsV[k][j];
        if (v > dapV[k] && (best < 0 || v < rowsV[k][best])) best = j;
        if (fallback < 0 || v > rowsV[k][fallback]) fallback = j;
      }
      const j = best >= 0 ? best : fallback;
      if (j >= 0) pick[k * m + j] = 1;
    }
    chosen = tf.sum(tf.mul(rows, tf.tensor2d(pick, [anchors.length, m])), 1) as tf.Tensor1D;
  }
  const hasNegative = tf.cast(tf.greater(tf.sum(negMask, 1), 0), 'float32');
  const l = tf.mul(tf.relu(tf.add(tf.sub(dap, chosen), margin)), hasNegative);
  return tf.mean(l) as tf.Scalar;
}

export function batchLoss(
  options: LossOptions,
  img: tf.Tensor2D,
  txt: tf.Tensor2D,
  logScale: tf.Scalar,
  positives: tf.Tensor2D,
): tf.Scalar {
  switch (options.kind) {
    case 'npair':
      return npairLoss(img, txt, logScale, positives);
    case 'triplet':
      return tripletLoss(img, txt, positives, options.margin ?? DEFAULT_MARGIN.triplet, options.mining ?? 'semihard');
    case 'contrastive':
      return contrastiveLoss(img, txt, positives, options.margin ?? DEFAULT_MARGIN.contrastive);
  }
}

export interface LossResult {
  loss: number;
  dImg: Float32Array;
  dTxt: Float32Array;
  dLogScale: number;
}

/** The loss of a batch and its gradients with respect to both embedding matrices and the log scale. */
export function lossAndGrads(
  options: LossOptions,
  img: Float32Array,
  txt: Float32Array,
  rows: number,
  dim: number,
  logScale: number,
  positives: Float32Array,
): LossResult {
  return tf.tidy(() => {
    const i = tf.tensor2d(img, [rows, dim]);
    const t = tf.tensor2d(txt, [rows, dim]);
    const s = tf.scalar(logScale);
    const pos = tf.tensor2d(positives, [rows, rows]);
    // Only the N-pair loss depends on the logit scale (tf.grads refuses inputs that do not matter).
    const inputs = options.kind === 'npair' ? [i, t, s] : [i, t];
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
      batchLoss(options, xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, (xs[2] ?? s) as tf.Scalar, pos),
    )(inputs);
    return {
      loss: value.dataSync()[0],
      dImg: grads[0].dataSync() as Float32Array,
      dTxt: grads[1].dataSync() as Float32Array,
      dLogScale: grads[2] ? grads[2].dataSync()[0] : 0,
    };
  });
}
