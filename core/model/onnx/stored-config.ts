import { z } from 'zod';
import type { Db } from '../../store/lab.ts';
import { getModel } from '../../store/models.ts';
import { parseStored } from '../stored.ts';

/**
 * What the models row of a user's CLIP keeps in its `config` JSON: where its files are (absolute folder, each file's
 * size, sha-256 and modification time when it was added) and the facts the lab shows and checks.
 */
export const onnxClipStoredSchema = z.object({
  kind: z.literal('onnx-clip'),
  name: z.string().min(1),
  folder: z.string().min(1),
  files: z.record(
    z.string(),
    z.object({ bytes: z.number().int().min(0), sha256: z.string().length(64), mtimeMs: z.number() }),
  ),
  dim: z.number().int().positive(),
  imageSize: z.number().int().positive(),
  maxLength: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  scale: z.number().positive(),
});
export type OnnxClipStored = z.infer<typeof onnxClipStoredSchema>;

/** The backend column of such a model. */
export const ONNX_BACKEND = 'onnxruntime';

/** The stored configuration of model `id`, a user's CLIP (a StoredModelError when it is not one). */
export function readOnnxClipConfig(db: Db, id: number): OnnxClipStored {
  return parseStored(onnxClipStoredSchema, getModel(db, id).config, id, 'configuration');
}
