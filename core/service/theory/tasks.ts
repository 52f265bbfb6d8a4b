/**
 * The Theory lab's API methods as pure computations: validated parameters in, JSON-ready results
 * out. The service runs them inline or, when heavy, in a worker thread (theory.worker.ts).
 */
import * as T from '../../theory/index.ts';
import type { Metric } from '../../knn/metrics.ts';
import { deriveSeed } from '../../util/random.ts';
import type { ParsedParams } from '../../api/contract.ts';
import type {
  Box2D,
  CoverHartResult,
  Dataset2D,
  ErrorCurveResult,
  KdeResult,
  RegionsResult,
  TheoryResults,
  YourDataSpace,
} from '../../api/theory-contract.ts';
import { THEORY_LIMITS } from '../../api/theory-limits.ts';

export type TheoryMethod = keyof TheoryResults;

/** One labelled matrix of the lab, ready for PCA (built by the service from the lab). */
export interface YourDataMatrix {
  kind: YourDataSpace['kind'];
  title: string;
  data: Float32Array;
  dim: number;
}

/** Input of the "Your data" projection task (the service reads the lab; the task only computes). */
export interface YourDataTask {
  matrices: YourDataMatrix[];
  labels: Int32Array;
  numClasses: number;
  isTest: Uint8Array;
  kMax: number;
  seed: number;
}

export type TaskInput =
  | { method: 'theoryDataset'; params: ParsedParams<'theoryDataset'> }
  | { method: 'theoryRegions'; params: ParsedParams<'theoryRegions'> }
  | { method: 'theoryPosterior'; params: ParsedParams<'theoryPosterior'> }
  | { method: 'theoryErrorCurve'; params: ParsedParams<'theoryErrorCurve'> }
  | { method: 'theoryKde'; params: ParsedParams<'theoryKde'> }
  | { method: 'theoryCoverHart'; params: ParsedParams<'theoryCoverHart'> }
  | { method: 'theoryCurseCurves'; params: ParsedParams<'theoryCurseCurves'> }
  | { method: 'theoryConcentration'; params: ParsedParams<'theoryConcentration'> }
  | { method: 'theoryNoiseDims'; params: ParsedParams<'theoryNoiseDims'> }
  | { method: 'yourDataProjection'; params: YourDataTask };

export interface YourDataProjection {
  spaces: Omit<YourDataSpace, 'box'>[];
}

export type TaskOutput<I extends TaskInput> = I['method'] extends TheoryMethod
  ? TheoryResults[I['method']]
  : YourDataProjection;

/** Above this work estimate (≈ 2-D distance evaluations) a task goes to a worker thread. */
export const INLINE_WORK = 2e7;
/** Above this work estimate a request is refused: it would keep a core busy for tens of seconds. */
export const MAX_WORK = 3e9;

export function toPoints(d: Dataset2D): T.LabeledPoints2D {
  return { points: Float64Array.from(d.points), labels: Int32Array.from(d.labels), numClasses: d.numClasses };
}

export function fromPoints(d: T.LabeledPoints2D): Dataset2D {
  return { points: Array.from(d.points), labels: Array.from(d.labels), numClasses: d.numClasses };
}

function toMetric(m: ParsedParams<'theoryRegions'>['metric']): Metric {
  return m.kind === 'mahalanobis' ? T.planeMahalanobis(m.M) : m.kind === 'l1' ? 'l1' : 'euclidean';
}

function toShape(s: ParsedParams<'theoryDataset'>['shape']): T.DatasetShape {
  return s;
}

function base64(bytes: Uint8Array | Uint16Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const sumOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const n2 = (d: Dataset2D): number => d.labels.length;

/** A rough cost of a task in 2-D distance evaluations, to pick inline vs worker and to refuse monsters. */
export function estimateWork(input: TaskInput): number {
  switch (input.method) {
    case 'theoryDataset':
    case 'theoryPosterior':
    case 'theoryKde':
    case 'theoryCurseCurves':
      return 0;
    case 'theoryRegions': {
      const { data, grid, K, voronoi } = input.params;
      const n = n2(data);
      const cells = grid.width * grid.height;
      const voronoiWork = K === 1 && voronoi && n <= THEORY_LIMITS.voronoiPoints ? 8 * n * n : 0;
      return cells * n * (K > 1 ? 2 : 1) + voronoiWork;
    }
    case 'theoryErrorCurve': {
      const { train, test, testFraction } = input.params;
      const n = n2(train);
      const nTest = test ? n2(test) : Math.round(testFraction * n);
      return (n + nTest) * n * 2;
    }
    case 'theoryCoverHart': {
      const { ns, repeats, testSize, mcSamples, classes } = input.params;
      return sumOf(ns) * testSize * repeats + mcSamples * 10 * classes.length;
    }
    case 'theoryConcentration': {
      const { dims, n, queries } = input.params;
      return sumOf(dims) * n * queries * 3;
    }
    case 'theoryNoiseDims': {
      const { nTrain, nTest, noiseDims, repeats } = input.params;
      return nTrain * nTest * sumOf(noiseDims.map((k) => 2 + k)) * repeats;
    }
    case 'yourDataProjection': {
      const { matrices, labels } = input.params;
      const n = labels.length;
      // About 8 block iterations of 16 vectors each, plus the 2-D error curve.
      return sumOf(matrices.map((m) => n * m.dim * 16 * 2 * 8)) + matrices.length * n * n * 2;
    }
  }
}

export function runTask<I extends TaskInput>(input: I): TaskOutput<I> {
  return dispatchTask(input) as TaskOutput<I>;
}

function dispatchTask(input: TaskInput): unknown {
  switch (input.method) {
    case 'theoryDataset':
      return dataset(input.params);
    case 'theoryRegions':
      return regions(input.params);
    case 'theoryPosterior': {
      const { data, x, K, metric } = input.params;
      const p = T.knnPosterior(toPoints(data), x, K, toMetric(metric));
      return {
        K: p.K,
        probabilities: Array.from(p.probabilities),
        predicted: p.predicted,
        tied: p.tied,
        neighbours: Array.from(p.neighbours),
        distances: Array.from(p.distances),
      };
    }
    case 'theoryErrorCurve':
      return errorCurve(input.params);
    case 'theoryKde':
      return kde(input.params);
    case 'theoryCoverHart':
      return coverHart(input.params);
    case 'theoryCurseCurves': {
      const { dims, eps, K, n } = input.params;
      const c = T.dimensionCurves(dims, { eps, p: K / n });
      return {
        dims: Array.from(c.dims),
        ballVolume: Array.from(c.ballVolume),
        logBallVolume: Array.from(c.logBallVolume),
        ballToCubeRatio: Array.from(c.ballToCubeRatio),
        shellFraction: Array.from(c.shellFraction),
        subcubeEdge: Array.from(c.subcubeEdge),
        eps,
        fraction: K / n,
      };
    }
    case 'theoryConcentration': {
      const c = T.distanceConcentration(input.params);
      return {
        dims: Array.from(c.dims),
        meanRatio: Array.from(c.meanRatio),
        stdRatio: Array.from(c.stdRatio),
        meanRelativeContrast: Array.from(c.meanRelativeContrast),
        meanNearest: Array.from(c.meanNearest),
        meanFarthest: Array.from(c.meanFarthest),
      };
    }
    case 'theoryNoiseDims': {
      const { shape, ...rest } = input.params;
      const r = T.knnAccuracyWithNoiseDims({ ...rest, shape: toShape(shape) });
      return {
        noiseDims: Array.from(r.noiseDims),
        meanAccuracy: Array.from(r.meanAccuracy),
        stdAccuracy: Array.from(r.stdAccuracy),
        majorityBaseline: r.majorityBaseline,
        repeats: r.repeats,
      };
    }
    case 'yourDataProjection':
      return yourDataProjection(input.params);
  }
}

function dataset(p: ParsedParams<'theoryDataset'>): TheoryResults['theoryDataset'] {
  const shape = toShape(p.shape);
  const train = T.sampleDataset(shape, { n: p.n, seed: p.seed });
  const test = p.testN > 0 ? T.sampleDataset(shape, { n: p.testN, seed: deriveSeed(p.seed, 0x7e57) }) : null;
  return { train: fromPoints(train), test: test && fromPoints(test), box: T.boundingBox(train) };
}

function regions(p: ParsedParams<'theoryRegions'>): RegionsResult {
  const data = toPoints(p.data);
  const metric = toMetric(p.metric);
  const n = data.labels.length;
  const grid: T.GridSpec = { box: p.grid.box, width: p.grid.width, height: p.grid.height };
  const r = T.decisionRaster(data, { grid, K: p.K, metric });
  const cells = r.width * r.height;
  const argmax = Uint8Array.from(r.argmax);
  const confidence = new Uint8Array(cells);
  for (let i = 0; i < cells; i++) confidence[i] = Math.round(255 * r.maxProb[i]);
  let nearest: string | null = null;
  let voronoi: RegionsResult['voronoi'] = null;
  let voronoiNote: string | null = null;
  if (r.K === 1) {
    const one = T.oneNnRaster(data, grid, metric);
    nearest = base64(Uint16Array.from(one.nearest));
    if (p.voronoi) {
      if (metric === 'l1') {
        voronoiNote = 'L1 bisectors bend, so the cells are drawn from the raster instead of exact edges.';
      } else if (n > THEORY_LIMITS.voronoiPoints) {
        voronoiNote = `Exact Voronoi edges are drawn up to ${THEORY_LIMITS.voronoiPoints} points; these cells come from the raster.`;
      } else {
        voronoi = T.voronoiDiagram(data, grid.box, metric).edges;
      }
    }
  }
  return {
    width: r.width,
    height: r.height,
    box: r.box,
    K: r.K,
    numClasses: r.numClasses,
    argmax: base64(argmax),
    confidence: base64(confidence),
    tied: base64(r.tied),
    nearest,
    voronoi,
    prior: Array.from(T.classPrior(data)),
    voronoiNote,
  };
}

/** Test error of always predicting the most frequent training class (ties → lowest index). */
function majorityError(train: T.LabeledPoints2D, test: T.LabeledPoints2D): number {
  const counts = T.classCounts(train);
  let major = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > counts[major]) major = c;
  let wrong = 0;
  for (const l of test.labels) if (l !== major) wrong++;
  return wrong / test.labels.length;
}

export function curveFor(
  train: T.LabeledPoints2D,
  test: T.LabeledPoints2D,
  kMax: number,
  metric: Metric,
  testSource: ErrorCurveResult['testSource'],
): ErrorCurveResult {
  const c = T.errorVsK(train, test, { kMax: Math.min(kMax, train.labels.length), metric });
  return {
    ks: Array.from(c.ks),
    trainError: Array.from(c.trainError),
    testError: Array.from(c.testError),
    complexity: Array.from(c.complexity),
    nTrain: c.nTrain,
    nTest: c.nTest,
    bestK: c.bestK,
    prior: Array.from(T.classPrior(train)),
    priorError: majorityError(train, test),
    testSource,
    train: fromPoints(train),
    test: fromPoints(test),
  };
}

function errorCurve(p: ParsedParams<'theoryErrorCurve'>): ErrorCurveResult {
  const metric = toMetric(p.metric);
  const all = toPoints(p.train);
  if (p.test && p.test.labels.length > 0) {
    const test = toPoints(p.test);
    // Labels index one class list; a class missing from one side just widens the other.
    all.numClasses = test.numClasses = Math.max(all.numClasses, test.numClasses);
    return curveFor(all, test, p.kMax, metric, 'given');
  }
  if (all.labels.length < 4) {
    throw new T.TheoryInputError(
      `An error curve needs a test set: give one, or at least 4 points to split (got ${all.labels.length}).`,
    );
  }
  const { train, test } = T.splitTrainTest(all, p.testFraction, p.seed);
  return curveFor(train, test, p.kMax, metric, 'split');
}

function kde(p: ParsedParams<'theoryKde'>): KdeResult {
  const data = toPoints(p.data);
  const metric = toMetric(p.metric);
  const e = T.knnDensityAt(data, p.x, p.K, metric);
  const g = T.ballGrowth(data, p.x, Math.max(p.growthMax, e.K), metric);
  return {
    x: [e.x[0], e.x[1]],
    K: e.K,
    n: e.n,
    numClasses: e.numClasses,
    radius: e.radius,
    volume: e.volume,
    neighbours: Array.from(e.neighbours),
    distances: Array.from(e.distances),
    countsInBall: Array.from(e.countsInBall),
    classTotals: Array.from(e.classTotals),
    density: e.density,
    likelihood: Array.from(e.likelihood),
    prior: Array.from(e.prior),
    posterior: Array.from(e.posterior),
    knnShare: Array.from(e.knnShare),
    growth: {
      steps: g.steps,
      radii: Array.from(g.radii),
      neighbours: Array.from(g.neighbours),
      labels: Array.from(g.labels),
      volumes: Array.from(g.volumes),
      counts: Array.from(g.counts),
      density: Array.from(g.density),
      posterior: Array.from(g.posterior),
    },
  };
}

function coverHart(p: ParsedParams<'theoryCoverHart'>): CoverHartResult {
  const model: T.GaussianClassModel = { classes: p.classes };
  const s = T.simulateOneNnError(model, {
    ns: p.ns,
    repeats: p.repeats,
    testSize: p.testSize,
    seed: p.seed,
    mcSamples: p.mcSamples,
  });
  const M = s.numClasses;
  const maxR = (M - 1) / M;
  const rStar = Array.from({ length: 51 }, (_, i) => (maxR * i) / 50);
  return {
    ns: Array.from(s.ns),
    repeats: s.repeats,
    testSize: s.testSize,
    numClasses: M,
    mean: Array.from(s.mean),
    std: Array.from(s.std),
    min: Array.from(s.min),
    max: Array.from(s.max),
    bayesError: s.bayesError,
    bayesErrorMethod: s.bayesErrorMethod,
    upperBound: s.upperBound,
    asymptoticOneNn: s.asymptoticOneNn,
    boundCurve: { rStar, upper: rStar.map((r) => T.coverHartBounds(r, M).upper) },
  };
}

/** Box of a projection, widened by 8 % on every side. */
export function boxOf(d: Dataset2D): Box2D {
  return T.boundingBox(toPoints(d), 0.08);
}

function yourDataProjection(p: YourDataTask): YourDataProjection {
  const n = p.labels.length;
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let i = 0; i < n; i++) (p.isTest[i] ? testIdx : trainIdx).push(i);
  const spaces = p.matrices.map((m) => {
    const { pca, data } = T.projectLabeled(m.data, p.labels, m.dim, {
      numClasses: p.numClasses,
      tolerance: 1e-4,
      maxIterations: 60,
      seed: p.seed,
    });
    const train = T.subsetDataset(data, trainIdx);
    const test = T.subsetDataset(data, testIdx);
    return {
      kind: m.kind,
      title: m.title,
      dim: m.dim,
      explainedVariance: [pca.explainedVarianceRatio[0], pca.explainedVarianceRatio[1]] as [number, number],
      data: fromPoints(data),
      curve: curveFor(train, test, p.kMax, 'euclidean', 'given'),
    };
  });
  return { spaces };
}
