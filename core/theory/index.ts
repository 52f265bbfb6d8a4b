/** Computational core of the Theory lab: seeded toy data and the numbers behind every theory view. */
export { TheoryInputError, NotPositiveSemidefiniteError } from './errors.ts';
export { erf, erfc, normalCdf } from './special.ts';
export {
  IDENTITY2,
  det2,
  inverse2,
  quadForm2,
  assertPsd2,
  sqrtPsd2,
  covarianceFromAxes,
  formatMat2,
} from './linalg2.ts';
export type { Vec2, Mat2 } from './linalg2.ts';

export {
  sampleDataset,
  blobComponents,
  apportion,
  assertDataset,
  classCounts,
  subsetDataset,
  splitTrainTest,
  boundingBox,
} from './datasets.ts';
export type { LabeledPoints2D, GaussianComponent, SamplingMode, DatasetShape, SampleOptions, Box } from './datasets.ts';

export { planeMahalanobis, planeForm, ballArea, rankKernel, rankToDistance } from './metrics.ts';
export type { RankKernel } from './metrics.ts';
export {
  nearestNeighbours,
  knnPosterior,
  cellCenter,
  decisionRaster,
  oneNnRaster,
  errorVsK,
  classPrior,
} from './playground.ts';
export type {
  KnnPosterior,
  GridSpec,
  DecisionRaster,
  DecisionRasterOptions,
  OneNnRaster,
  ErrorCurve,
  ErrorCurveOptions,
} from './playground.ts';
export { voronoiDiagram } from './voronoi.ts';
export type { VoronoiDiagram, VoronoiEdge } from './voronoi.ts';

export { knnDensityAt, ballGrowth } from './kde.ts';
export type { KnnDensityEstimate, BallGrowth } from './kde.ts';

export {
  mahalanobisBetweenMeans,
  bayesErrorTwoGaussians,
  coverHartBounds,
  monteCarloRisks,
  hasClosedForm,
  bayesError,
  sampleFromModel,
  oneNnTestError,
  simulateOneNnError,
} from './coverhart.ts';
export type {
  GaussianClass,
  GaussianClassModel,
  CoverHartBounds,
  MonteCarloRisks,
  BayesErrorMethod,
  BayesErrorResult,
  OneNnSimulationOptions,
  OneNnSimulation,
} from './coverhart.ts';

export {
  shellFraction,
  subcubeEdge,
  subcubeEdgeForK,
  dimensionCurves,
  distanceConcentration,
  knnAccuracyWithNoiseDims,
} from './curse.ts';
export type {
  DimensionCurves,
  PointDistribution,
  DistanceConcentrationOptions,
  DistanceConcentration,
  NoiseDimensionOptions,
  NoiseDimensionResult,
} from './curse.ts';
export { knnPredictND } from './nd.ts';

export { pca2, projectRows, projectLabeled } from './projection.ts';
export type { Matrix, PcaOptions, Pca2D, LabeledProjection } from './projection.ts';
