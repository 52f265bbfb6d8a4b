// Public API of the training engine (the store side is core/store: models, history, checkpoints, embeddings).
export type { BackendInfo, BackendName } from './backend.ts';
export { initBackend, BackendError } from './backend.ts';
export type { DeepPartial, ModelConfig, TextConfig, TrainConfig } from './config.ts';
export {
  ConfigError,
  DEFAULT_MODEL,
  defaultTrainConfig,
  labelPrompt,
  PROMPT_TEMPLATE,
  resolveConfig,
  trainConfigSchema,
  validateConfig,
} from './config.ts';
export { TrainingDataError, TrainingError } from './errors.ts';
export type { StoredModel } from './stored.ts';
export { readModelConfig, readStoredModel, StoredModelError } from './stored.ts';
export type { AugmentOptions } from './augment.ts';
export { DEFAULT_AUGMENT, NO_AUGMENT } from './augment.ts';
export type { LossKind, LossOptions, Mining } from './loss-options.ts';
export { LOGIT_SCALE_INIT, LOGIT_SCALE_MAX } from './losses.ts';
export type { TrainProgress } from './progress.ts';
export type { TrainOptions, TrainResult } from './trainer.ts';
export { train } from './trainer.ts';
export type { EmbedLabOptions, EmbedLabResult } from './embed.ts';
export { embedLab } from './embed.ts';
export type { EvalOptions, EvalResult } from './evaluate.ts';
export { evaluateModel } from './evaluate.ts';
export type { ImagePixels } from './model.ts';
export { EmbeddingModel } from './model.ts';
export type { CrossModalMetrics } from './metrics.ts';
export { crossModalRecall } from './metrics.ts';
