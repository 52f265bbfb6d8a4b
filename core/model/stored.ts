import { z } from 'zod';
import type { Db } from '../store/lab.ts';
import { getModel, type ModelRecord } from '../store/models.ts';
import { UserError } from '../util/user-error.ts';
import { trainConfigSchema, type TrainConfig } from './config.ts';
import type { ModelKind } from './query-model.ts';
import { tokenizerSpecSchema, type TokenizerSpec } from './tokenizer.ts';

/** A stored model whose configuration and tokenizer have been parsed by their schemas. */
export interface StoredModel extends Omit<ModelRecord, 'config' | 'tokenizer'> {
  config: TrainConfig;
  tokenizer: TokenizerSpec;
}

/** A model row whose stored JSON does not have the shape this version of Nearlab reads; the message names it. */
export class StoredModelError extends UserError {
  override readonly name = 'StoredModelError';
  constructor(
    readonly modelId: number,
    what: string,
    problem: string,
  ) {
    super(`model ${modelId}: its stored ${what} cannot be read (${problem})`);
  }
}

/** Parses JSON stored with model `modelId`; a mismatch throws a StoredModelError naming the model and `what`. */
export function parseStored<T>(schema: z.ZodType<T>, value: unknown, modelId: number, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new StoredModelError(modelId, what, `${at}${issue.message}`);
}

/** The kind recorded in a model's configuration: absent (every model before issue 11) is 'trained'. */
const kindSchema = z.object({ kind: z.enum(['trained', 'backbone', 'onnx-clip']).default('trained') });

/** The configuration of a "backbone features" model: its embeddings are the backbone's L2-normalised features. */
export const backboneModelConfigSchema = z.object({
  kind: z.literal('backbone'),
  backbone: z.string().min(1),
  /** The backbone's feature length and input side, recorded when the model was made. */
  dim: z.number().int().positive(),
  inputSize: z.number().int().positive(),
});
export type BackboneModelConfig = z.infer<typeof backboneModelConfigSchema>;

/**
 * A user's CLIP from ONNX files: only its kind is read here; the rest of its shape belongs to core/model/onnx, which
 * parses it when it loads the model.
 */
export const onnxClipModelConfigSchema = z.looseObject({ kind: z.literal('onnx-clip') });

/** What each kind of model keeps in its stored configuration. */
export type StoredConfig =
  | { kind: 'trained'; config: TrainConfig }
  | { kind: 'backbone'; config: BackboneModelConfig }
  | { kind: 'onnx-clip'; config: z.infer<typeof onnxClipModelConfigSchema> };

/** The kind of a stored configuration (a StoredModelError when it is not one this version knows). */
export function modelKindOf(config: unknown, modelId: number): ModelKind {
  return parseStored(kindSchema, config, modelId, 'configuration').kind;
}

/** Whether a kind of model has a text tower (text queries, captions, zero-shot): all but backbone features. */
export function kindHasText(kind: ModelKind): boolean {
  return kind !== 'backbone';
}

/** The kind of model `id`. */
export function readModelKind(db: Db, id: number): ModelKind {
  return modelKindOf(getModel(db, id).config, id);
}

/** A stored configuration parsed by the schema of its kind. */
export function parseStoredConfig(config: unknown, modelId: number): StoredConfig {
  const kind = modelKindOf(config, modelId);
  if (kind === 'backbone')
    return { kind, config: parseStored(backboneModelConfigSchema, config, modelId, 'configuration') };
  if (kind === 'onnx-clip')
    return { kind, config: parseStored(onnxClipModelConfigSchema, config, modelId, 'configuration') };
  return { kind, config: parseStored(trainConfigSchema, config, modelId, 'configuration') };
}

/** A model that was not trained here (backbone features, a user's CLIP) asked for what only a training run has. */
export class NotTrainedModelError extends UserError {
  override readonly name = 'NotTrainedModelError';
  constructor(
    readonly modelId: number,
    readonly kind: ModelKind,
  ) {
    super(
      `model ${modelId} is ${kind === 'backbone' ? 'backbone features' : 'an ONNX CLIP'}, not a model trained here: ` +
        'it has no training configuration (choose a trained model)',
    );
  }
}

/** The configuration of a model trained here; any other kind is a NotTrainedModelError. */
function trainedConfig(config: unknown, modelId: number): TrainConfig {
  const stored = parseStoredConfig(config, modelId);
  if (stored.kind !== 'trained') throw new NotTrainedModelError(modelId, stored.kind);
  return stored.config;
}

/**
 * Model `id`, trained here, with its configuration and tokenizer parsed; throws ModelNotFoundError,
 * StoredModelError or NotTrainedModelError.
 */
export function readStoredModel(db: Db, id: number): StoredModel {
  const rec = getModel(db, id);
  return {
    ...rec,
    config: trainedConfig(rec.config, id),
    tokenizer: parseStored(tokenizerSpecSchema, rec.tokenizer, id, 'tokenizer'),
  };
}

/** The training configuration of model `id` (a model trained here). */
export function readModelConfig(db: Db, id: number): TrainConfig {
  return trainedConfig(getModel(db, id).config, id);
}
