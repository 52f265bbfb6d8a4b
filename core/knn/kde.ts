import { logBallVolume } from './balls.ts';
import { KnnArgumentError, ShapeError } from './errors.ts';
import { encodeLabels } from './labels.ts';
import type { Matrix } from './matrix.ts';
import { checkK, topK } from './topk.ts';

export interface KdeClass {
  label: string;
  /** n_c(x): neighbours of class c inside the ball. */
  inBall: number;
  /** n_c: gallery rows of class c. */
  count: number;
  /** p(c) = n_c / n. */
  prior: number;
  /** log p(x|c) = log n_c(x) − log n_c − log V_K(x) (−Infinity when n_c(x) = 0). */
  logLikelihood: number;
  /** p(c|x) by Bayes' rule; equals the uniform KNN estimate n_c(x)/K. */
  posterior: number;
}

/** The KNN density estimate around x, written as a kernel density with a ball reaching the K-th neighbour. */
export interface KdeView {
  k: number;
  dim: number;
  n: number;
  /** Distance to the K-th neighbour. */
  radius: number;
  /** log V_K(x) = (d/2)·log π − logΓ(d/2 + 1) + d·log r (−Infinity for r = 0). */
  logVolume: number;
  /** log p(x) = log K − log n − log V_K(x). */
  logDensity: number;
  classes: KdeClass[];
}

/**
 * Builds the KDE view from neighbour labels (the K nearest, any order), the K-th neighbour distance and the class
 * counts of the whole gallery. Posteriors are computed from p(x|c)·p(c) with the common factor 1/V cancelled,
 * so they stay finite when the radius is 0.
 */
export function kdeFromNeighbours(
  neighbourLabels: readonly string[],
  radius: number,
  galleryLabels: readonly string[],
  dim: number,
): KdeView {
  const k = neighbourLabels.length;
  checkK(k);
  const n = galleryLabels.length;
  if (k > n) throw new KnnArgumentError(`K = ${k} exceeds the ${n} gallery rows`);
  const { classes, counts } = encodeLabels(galleryLabels);
  const index = new Map(classes.map((c, i) => [c, i]));
  const inBall = new Int32Array(classes.length);
  for (const l of neighbourLabels) {
    const c = index.get(l);
    if (c === undefined) throw new KnnArgumentError(`neighbour label '${l}' is not a gallery label`);
    inBall[c]++;
  }
  const logVolume = logBallVolume(dim, radius);
  // p(x|c)·V·p(c) = (n_c(x)/n_c)·(n_c/n); Bayes normalises these.
  const joint = classes.map((_, c) => (inBall[c] / counts[c]) * (counts[c] / n));
  const evidence = joint.reduce((s, v) => s + v, 0);
  return {
    k,
    dim,
    n,
    radius,
    logVolume,
    logDensity: Math.log(k) - Math.log(n) - logVolume,
    classes: classes.map((label, c) => ({
      label,
      inBall: inBall[c],
      count: counts[c],
      prior: counts[c] / n,
      logLikelihood: Math.log(inBall[c]) - Math.log(counts[c]) - logVolume,
      posterior: joint[c] / evidence,
    })),
  };
}

/** KDE view of one query against a gallery, with Euclidean balls (the volume formula is the Euclidean one). */
export function kdeAt(query: Float32Array, gallery: Matrix, labels: readonly string[], k: number): KdeView {
  if (labels.length !== gallery.rows) throw new ShapeError(`${labels.length} labels for ${gallery.rows} gallery rows`);
  checkK(k);
  if (k > gallery.rows) throw new KnnArgumentError(`K = ${k} exceeds the ${gallery.rows} gallery rows`);
  const res = topK(query, gallery, k, { metric: 'euclidean' });
  const nb = Array.from(res.indices, (r) => labels[r]);
  return kdeFromNeighbours(nb, res.distances[k - 1], labels, gallery.dim);
}
