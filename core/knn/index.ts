// Public API of the neighbour engine.
export { KnnError, ShapeError, MetricMatrixError, KnnArgumentError, QueryParseError, AnnIndexError } from './errors.ts';
export type { Matrix } from './matrix.ts';
export {
  matrix,
  fromRows,
  row,
  selectRows,
  normaliseRows,
  normaliseVector,
  rowSquaredNorms,
  toShared,
} from './matrix.ts';
export type { BasicMetric, MahalanobisMetric, Metric, MahalanobisOptions } from './metrics.ts';
export { mahalanobis, mahalanobisFromMap, distance, applyMap, BASIC_METRICS } from './metrics.ts';
export type { TopKOptions, TopKResult, Neighbour, RowFilter, PreparedGallery } from './topk.ts';
export { topK, neighboursOf, prepareGallery, searchPrepared } from './topk.ts';
export type { RestrictedGallery } from './restrict.ts';
export { restrictGallery, searchRestricted } from './restrict.ts';
export type { ExactIndexOptions, SearchOptions } from './exact.ts';
export { ExactIndex, topKParallel, PARALLEL_MIN_WORK, PARALLEL_MIN_GALLERY_VALUES } from './exact.ts';
export type { AnnOptions, AnnMetric, RecallReport } from './ann.ts';
export { AnnIndex, ANN_MIN_ROWS, chooseSearch, measureRecall } from './ann.ts';
export type { Weights } from './vote.ts';
export type { PredictOptions, Prediction, ClassifiedNeighbour } from './classifier.ts';
export { KnnClassifier } from './classifier.ts';
export type { RegressOptions } from './regressor.ts';
export { KnnRegressor } from './regressor.ts';
export type { KCurve, KCurvePoint, KCurveOptions, SampledKCurve } from './kcurve.ts';
export { looKCurve, looKCurveFromNeighbours, looAccuracy, sampledLooKCurve, sampleRows } from './kcurve.ts';
export type { LooVote } from './suspects.ts';
export { looNeighbours, looVotes, rankSuspects, agreementOf, checkLooK } from './suspects.ts';
export type { KdeView, KdeClass } from './kde.ts';
export { kdeAt, kdeFromNeighbours } from './kde.ts';
export { logBallVolume } from './balls.ts';
export type { ZeroShotClasses, ZeroShotResult } from './zeroshot.ts';
export { DEFAULT_TEMPLATES, fillTemplate, buildZeroShotClasses, zeroShot, softmax } from './zeroshot.ts';
export type { NcaOptions, NcaResult, NcaProgress, NcaReport } from './nca.ts';
export { nca, ncaTransform, ncaMetric, ncaReport, ncaObjective } from './nca.ts';
export type { RetrievalQuery, RetrievalMetrics, ConfusionMatrix } from './evaluate.ts';
export { retrievalMetrics, selfRetrievalMetrics, recallAtK, accuracy, confusionMatrix } from './evaluate.ts';
export type { QueryTerm } from './query.ts';
export { parseQuery, combineQuery } from './query.ts';
export { compareCodePoints } from './labels.ts';
export type { Link, RowGroup, MarkedDistance, Fit } from './duplicates.ts';
export {
  GRAPH_K,
  DEFAULT_CUT_MADS,
  neighbourGraph,
  linksOf,
  groupRows,
  fitThreshold,
  defaultThreshold,
  candidateLinks,
} from './duplicates.ts';
export type { ActiveStrategy, Uncertainty, ActivePick, SelectOptions } from './active.ts';
export { topMargin, knnUncertainty, zeroShotUncertainty, nearestDistances, selectToLabel } from './active.ts';
export type { PrecisionRecallPoint } from './calibrate.ts';
export { precisionRecallCurve, thresholdForPrecision, thinCurve } from './calibrate.ts';
