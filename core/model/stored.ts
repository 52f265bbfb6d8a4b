import type { z } from 'zod';
import type { Db } from '../store/lab.ts';
import { getModel, type ModelRecord } from '../store/models.ts';
import { UserError } from '../util/user-error.ts';
import { trainConfigSchema, type TrainConfig } from './config.ts';
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

/** Model `id` with its configuration and tokenizer parsed; throws ModelNotFoundError or StoredModelError. */
export function readStoredModel(db: Db, id: number): StoredModel {
  const rec = getModel(db, id);
  return {
    ...rec,
    config: parseStored(trainConfigSchema, rec.config, id, 'configuration'),
    tokenizer: parseStored(tokenizerSpecSchema, rec.tokenizer, id, 'tokenizer'),
  };
}

/** The training configuration of model `id`. */
export function readModelConfig(db: Db, id: number): TrainConfig {
  return parseStored(trainConfigSchema, getModel(db, id).config, id, 'configuration');
}
