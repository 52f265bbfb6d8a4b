/** Seeded 2-D labelled toy data: Gaussian mixtures, blobs, two moons, concentric rings. */
import { assertFinite, assertNonNegative, assertPositiveInt, TheoryInputError } from './errors.ts';
import { assertPsd2, sqrtPsd2, type Mat2, type Vec2 } from './linalg2.ts';
import { createRng, sampleCategorical, shuffleInPlace, type Rng } from '../util/random.ts';

/** n labelled points in the plane. Plain typed arrays, so it survives structured cloning. */
export interface LabeledPoints2D {
  /** Interleaved coordinates [x0, y0, x1, y1, …], length 2n. */
  points: Float64Array;
  /** Class of each point, in [0, numClasses). */
  labels: Int32Array;
  numClasses: number;
}

export interface GaussianComponent {
  mean: Vec2;
  /** Covariance, symmetric positive semi-definite. */
  cov: Mat2;
  /** Relative weight (normalised over components); default 1. */
  weight?: number;
  /** Class of the points drawn from this component; default: the component's index. */
  label?: number;
}

/**
 * How component / class sizes are drawn: 'stratified' gives every component its expected share
 * of n (largest-remainder rounding); 'iid' draws each point's component independently.
 */
export type SamplingMode = 'stratified' | 'iid';

export type DatasetShape =
  | {
      kind: 'mixture';
      components: GaussianComponent[];
      /** Default: 1 + the largest label. */
      numClasses?: number;
      sampling?: SamplingMode;
      /** Std of extra isotropic Gaussian noise added to every point; default 0. */
      noise?: number;
    }
  | {
      /** M isotropic Gaussian classes with means evenly spaced on a circle. */
      kind: 'blobs';
      numClasses: number;
      /** Circle radius of the means; default 2. */
      radius?: number;
      /** Std of each blob; default 0.5. */
      spread?: number;
      noise?: number;
    }
  | { kind: 'moons'; noise?: number }
  | {
      kind: 'rings';
      numClasses: number;
      /** Ring radii, one per class; default 1, 2, …, M. */
      radii?: number[];
      noise?: number;
    };

export interface SampleOptions {
  n: number;
  seed: number;
}

export function sampleDataset(shape: DatasetShape, options: SampleOptions): LabeledPoints2D {
  assertPositiveInt('n', options.n);
  const noise = shape.noise ?? 0;
  assertNonNegative('noise', noise);
  const rng = createRng(options.seed);
  switch (shape.kind) {
    case 'mixture':
      return sampleMixture(shape.components, options.n, rng, noise, shape.numClasses, shape.sampling ?? 'stratified');
    case 'blobs':
      return sampleMixture(
        blobComponents(shape.numClasses, shape.radius ?? 2, shape.spread ?? 0.5),
        options.n,
        rng,
        noise,
        shape.numClasses,
        'stratified',
      );
    case 'moons':
      return sampleMoons(options.n, rng, noise);
    case 'rings':
      return sampleRings(shape.numClasses, shape.radii, options.n, rng, noise);
    default: {
      const kind: never = shape;
      throw new TheoryInputError(`Unknown dataset kind ${String((kind as { kind: unknown }).kind)}.`);
    }
  }
}

/** The Gaussian components behind a 'blobs' shape: means at radius·(cos 2πc/M, sin 2πc/M). */
export function blobComponents(numClasses: number, radius: number, spread: number): GaussianComponent[] {
  assertPositiveInt('numClasses', numClasses);
  assertNonNegative('radius', radius);
  assertNonNegative('spread', spread);
  const s2 = spread * spread;
  return Array.from({ length: numClasses }, (_, c) => {
    const a = (2 * Math.PI * c) / numClasses;
    return { mean: [radius * Math.cos(a), radius * Math.sin(a)] as Vec2, cov: [s2, 0, 0, s2] as Mat2, label: c };
  });
}

/** Splits n into parts proportional to weights (largest-remainder rounding; sums to n exactly). */
export function apportion(n: number, weights: readonly number[]): Int32Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = new Int32Array(weights.length);
  const remainders = weights.map((w, i) => {
    const exact = (n * w) / total;
    counts[i] = Math.floor(exact);
    return { i, r: exact - counts[i] };
  });
  let left = n - counts.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) counts[remainders[k].i]++;
  return counts;
}

function sampleMixture(
  components: GaussianComponent[],
  n: number,
  rng: Rng,
  noise: number,
  numClassesIn: number | undefined,
  sampling: SamplingMode,
): LabeledPoints2D {
  if (components.length === 0) throw new TheoryInputError('A Gaussian mixture needs at least one component.');
  const weights = components.map((c, i) => {
    const w = c.weight ?? 1;
    if (!Number.isFinite(w) || w < 0)
      throw new TheoryInputError(`Component ${i} has weight ${w}; weights must be ≥ 0.`);
    return w;
  });
  if (!weights.some((w) => w > 0)) throw new TheoryInputError('At least one mixture weight must be positive.');
  const labelsOf = components.map((c, i) => c.label ?? i);
  const maxLabel = Math.max(...labelsOf);
  const numClasses = numClassesIn ?? maxLabel + 1;
  assertPositiveInt('numClasses', numClasses);
  labelsOf.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) {
      throw new TheoryInputError(`Component ${i} has label ${l}; labels must be integers in [0, ${numClasses - 1}].`);
    }
  });
  const roots = components.map((c, i) => {
    c.mean.forEach((v) => assertFinite(`mean of component ${i}`, v));
    assertPsd2(`Covariance of component ${i}`, c.cov);
    return sqrtPsd2(c.cov);
  });

  const which = new Int32Array(n);
  if (sampling === 'iid') {
    for (let i = 0; i < n; i++) which[i] = sampleCategorical(weights, rng);
  } else {
    const counts = apportion(n, weights);
    let at = 0;
    counts.forEach((cnt, k) => which.fill(k, at, (at += cnt)));
    shuffleInPlace(which, rng);
  }

  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = which[i];
    const s = roots[k];
    const z1 = rng.normal();
    const z2 = rng.normal();
    points[2 * i] = components[k].mean[0] + s[0] * z1 + s[1] * z2 + noise * rng.normal();
    points[2 * i + 1] = components[k].mean[1] + s[2] * z1 + s[3] * z2 + noise * rng.normal();
    labels[i] = labelsOf[k];
  }
  return { points, labels, numClasses };
}

/** Shuffled class order with sizes as equal as possible. */
function balancedLabels(n: number, numClasses: number, rng: Rng): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % numClasses;
  shuffleInPlace(labels, rng);
  return labels;
}

/** Two interleaved half circles (as in scikit-learn's make_moons, with uniformly random angles). */
function sampleMoons(n: number, rng: Rng, noise: number): LabeledPoints2D {
  const labels = balancedLabels(n, 2, rng);
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.next();
    const x = labels[i] === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const y = labels[i] === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    points[2 * i] = x + noise * rng.normal();
    points[2 * i + 1] = y + noise * rng.normal();
  }
  return { points, labels, numClasses: 2 };
}

function sampleRings(
  numClasses: number,
  radiiIn: number[] | undefined,
  n: number,
  rng: Rng,
  noise: number,
): LabeledPoints2D {
  assertPositiveInt('numClasses', numClasses);
  const radii = radiiIn ?? Array.from({ length: numClasses }, (_, c) => c + 1);
  if (radii.length !== numClasses) {
    throw new TheoryInputError(
      `rings needs one radius per class: got ${radii.length} radii for ${numClasses} classes.`,
    );
  }
  radii.forEach((r, c) => assertNonNegative(`radius of ring ${c}`, r));
  const labels = balancedLabels(n, numClasses, rng);
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rng.next();
    const r = radii[labels[i]];
    points[2 * i] = r * Math.cos(t) + noise * rng.normal();
    points[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
  }
  return { points, labels, numClasses };
}

/** Checks array lengths and label range; returns n. */
export function assertDataset(data: LabeledPoints2D, name = 'data'): number {
  const n = data.labels.length;
  if (data.points.length !== 2 * n) {
    throw new TheoryInputError(`${name}.points must hold 2 numbers per label (${2 * n}), got ${data.points.length}.`);
  }
  assertPositiveInt(`${name}.numClasses`, data.numClasses);
  for (let i = 0; i < n; i++) {
    const l = data.labels[i];
    if (l < 0 || l >= data.numClasses) {
      throw new TheoryInputError(`${name}.labels[${i}] = ${l} is outside [0, ${data.numClasses - 1}].`);
    }
  }
  return n;
}

export function classCounts(data: LabeledPoints2D): Int32Array {
  const counts = new Int32Array(data.numClasses);
  for (let i = 0; i < data.labels.length; i++) counts[data.labels[i]]++;
  return counts;
}

/** Rows `indices` of `data`, in that order. */
export function subsetDataset(data: LabeledPoints2D, indices: ArrayLike<number>): LabeledPoints2D {
  const points = new Float64Array(2 * indices.length);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    points[2 * k] = data.points[2 * i];
    points[2 * k + 1] = data.points[2 * i + 1];
    labels[k] = data.labels[i];
  }
  return { points, labels, numClasses: data.numClasses };
}

/** Random split into train and test parts; test gets round(testFraction · n) points. */
export function splitTrainTest(
  data: LabeledPoints2D,
  testFraction: number,
  seed: number,
): { train: LabeledPoints2D; test: LabeledPoints2D } {
  const n = assertDataset(data);
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new TheoryInputError(`testFraction must be strictly between 0 and 1, got ${testFraction}.`);
  }
  const nTest = Math.round(testFraction * n);
  if (nTest < 1 || nTest >= n) {
    throw new TheoryInputError(
      `Splitting ${n} points with testFraction ${testFraction} leaves an empty part; use more points.`,
    );
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, createRng(seed));
  return { train: subsetDataset(data, order.subarray(nTest)), test: subsetDataset(data, order.subarray(0, nTest)) };
}

export interface Box {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

/** Bounding box of the points, widened by `margin` × its size on every side (default 10 %). */
export function boundingBox(data: LabeledPoints2D, margin = 0.1): Box {
  const n = assertDataset(data);
  if (n === 0) throw new TheoryInputError('Cannot take the bounding box of an empty dataset.');
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = data.points[2 * i];
    const y = data.points[2 * i + 1];
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  }
  const w = Math.max(xmax - xmin, 1e-9);
  const h = Math.max(ymax - ymin, 1e-9);
  return { xmin: xmin - margin * w, xmax: xmax + margin * w, ymin: ymin - margin * h, ymax: ymax + margin * h };
}
