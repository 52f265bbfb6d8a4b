// Public API of the training engine (the store side is core/store: models, history, checkpoints, embeddings).
export type { BackendInfo, BackendName } from './backend.ts';
export { initBackend, BackendError } from './backend.ts';
export type { ModelConfig, TextConfig, TrainConfig } from './config.ts';
export {
  ConfigError,
  DEFAULT_MODEL,
  defaultTrainConfig,
  labelPrompt,
  PROMPT_TEMPLATE,
  validateConfig,
} from './config.ts';
export type { AugmentOptions } from './augment.ts';
export { DEFAULT_AUGMENT, NO_AUGMENT } from './augment.ts';
export type { LossKind, LossOptions, Mining } from './losses.ts';
export { LOGIT_SCALE_INIT, LOGIT_SCALE_MAX } from './losses.ts';
export type { DeepPartial, TrainOptions, TrainProgress, TrainResult } from './trainer.ts';
export { resolveConfig, train, TrainingDataError, TrainingError } from './trainer.ts';
export type { EmbedLabOptions, EmbedLabResult } from './embed.ts';
export { embedLab } from './embed.ts';
export type { EvalOptions, EvalResult } from './evaluate.ts';
export { evaluateModel } from './evaluate.ts';
export type { ImagePixels } from './model.ts';
export { EmbeddingModel } from './model.ts';
export type { CrossModalMetrics } from './metrics.ts';
export { crossModalRecall } from './metrics.ts';
