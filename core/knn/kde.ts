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
 * Bayes' rule over the ball that reaches the K-th neighbour of x: class-conditional densities
 * p(x|c) = n_c(x) / (n_c V), priors p(c) = n_c / n and the density p(x) = K / (n V).
 */
export interface KBallDensity {
  /** n_c(x): neighbours of class c inside the ball. */
  inBall: Int32Array;
  /** p(c) = n_c / n. */
  prior: Float64Array;
  /** log p(x|c) = log n_c(x) − log n_c − log V (−Infinity when n_c(x) = 0 or n_c = 0). */
  logLikelihood: Float64Array;
  /** log p(x) = log K − log n − log V. */
  logDensity: number;
  /** p(c|x) from p(x|c)·p(c) with the common 1/V cancelled, so finite when V = 0; equals n_c(x)/K. */
  posterior: Float64Array;
}

/** The K-ball density from the class codes of the K neighbours, every class's count n_c and log V. */
export function kBallDensity(codes: ArrayLike<number>, counts: ArrayLike<number>, logVolume: number): KBallDensity {
  const classes = counts.length;
  let n = 0;
  for (let c = 0; c < classes; c++) n += counts[c];
  const inBall = new Int32Array(classes);
  for (let j = 0; j < codes.length; j++) inBall[codes[j]]++;
  const prior = new Float64Array(classes);
  const logLikelihood = new Float64Array(classes);
  const posterior = new Float64Array(classes);
  let evidence = 0;
  for (let c = 0; c < classes; c++) {
    prior[c] = counts[c] / n;
    const empty = counts[c] === 0 || inBall[c] === 0;
    logLikelihood[c] = empty ? -Infinity : Math.log(inBall[c]) - Math.log(counts[c]) - logVolume;
    // p(x|c)·V·p(c) = (n_c(x)/n_c)·(n_c/n); Bayes normalises these.
    posterior[c] = counts[c] === 0 ? 0 : (inBall[c] / counts[c]) * (counts[c] / n);
    evidence += posterior[c];
  }
  for (let c = 0; c < classes; c++) posterior[c] /= evidence;
  return { inBall, prior, logLikelihood, logDensity: Math.log(codes.length) - Math.log(n) - logVolume, posterior };
}

/**
 * Builds the KDE view from neighbour labels (the K nearest, any order), the K-th neighbour distance and the class
 * counts of the whole gallery, with the Euclidean d-ball volume.
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
  const codes = neighbourLabels.map((l) => {
    const c = index.get(l);
    if (c === undefined) throw new KnnArgumentError(`neighbour label '${l}' is not a gallery label`);
    return c;
  });
  const logVolume = logBallVolume(dim, radius);
  const ball = kBallDensity(codes, counts, logVolume);
  return {
    k,
    dim,
    n,
    radius,
    logVolume,
    logDensity: ball.logDensity,
    classes: classes.map((label, c) => ({
      label,
      inBall: ball.inBall[c],
      count: counts[c],
      prior: ball.prior[c],
      logLikelihood: ball.logLikelihood[c],
      posterior: ball.posterior[c],
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
