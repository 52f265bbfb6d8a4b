import { z } from 'zod';

/** What Nearlab reads of a CLIP export's config.json (every key optional: the file itself is optional). */
export interface ClipConfig {
  projectionDim: number | null;
  /** Text positions (CLIP: 77). */
  maxPositions: number | null;
  /** Rows of the text model's token embedding table. */
  vocabSize: number | null;
  imageSize: number | null;
  /** The trained logit scale (log space), when the export records it. */
  logitScale: number | null;
}

const count = z.number().int().positive();
const configSchema = z.looseObject({
  projection_dim: count.optional(),
  logit_scale: z.number().finite().optional(),
  text_config: z.looseObject({ max_position_embeddings: count.optional(), vocab_size: count.optional() }).optional(),
  vision_config: z.looseObject({ image_size: count.optional() }).optional(),
});

/** A config file value that Nearlab cannot use: the problem, with the key it is about. */
export class ConfigProblem extends Error {}

function problem(error: z.ZodError): ConfigProblem {
  const issue = error.issues[0];
  return new ConfigProblem(`${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
}

/** config.json's content (null when the folder has none). */
export function parseClipConfig(json: unknown): ClipConfig {
  if (json === null)
    return { projectionDim: null, maxPositions: null, vocabSize: null, imageSize: null, logitScale: null };
  const r = configSchema.safeParse(json);
  if (!r.success) throw problem(r.error);
  const c = r.data;
  return {
    projectionDim: c.projection_dim ?? null,
    maxPositions: c.text_config?.max_position_embeddings ?? null,
    vocabSize: c.text_config?.vocab_size ?? null,
    imageSize: c.vision_config?.image_size ?? null,
    logitScale: c.logit_scale ?? null,
  };
}

/** tokenizer_config.json's model_max_length when it is a real limit (transformers writes 1e30 for "none"). */
export function tokenizerMaxLength(json: unknown): number | null {
  const r = z.looseObject({ model_max_length: z.number().optional() }).safeParse(json);
  const n = r.success ? r.data.model_max_length : undefined;
  return n !== undefined && Number.isInteger(n) && n > 1 && n <= 100_000 ? n : null;
}
