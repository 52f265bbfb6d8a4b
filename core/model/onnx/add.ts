import { basename } from 'node:path';
import type { Lab } from '../../store/lab.ts';
import { createReadyModel, getModel, listModels } from '../../store/models.ts';
import { UserError } from '../../util/user-error.ts';
import { recordFiles } from './folder.ts';
import { openClipFolder } from './open.ts';
import { ONNX_BACKEND, onnxClipStoredSchema, type OnnxClipStored } from './stored-config.ts';
import type { Ort } from './runtime.ts';

export interface AddOnnxModelOptions {
  /** The model's name in the lab (default: the folder's name). */
  name?: string;
  threads?: number;
  /** For tests: a runtime other than onnxruntime-node. */
  ort?: Ort;
}

export interface AddedOnnxModel {
  modelId: number;
  name: string;
  folder: string;
  dim: number;
  imageSize: number;
  maxLength: number;
  vocabSize: number;
  scale: number;
  /** Files recorded (checked on every load). */
  files: string[];
}

/** The same folder, with the same files, is already a model of the lab. */
export class OnnxModelAlreadyAddedError extends UserError {
  override readonly name = 'OnnxModelAlreadyAddedError';
  constructor(
    readonly modelId: number,
    folder: string,
  ) {
    super(`${folder} is already model ${modelId} of this lab (same files): use that one`);
  }
}

/** The lab's model that was added from this folder with these very files, if any. */
function sameModel(lab: Lab, stored: OnnxClipStored): number | null {
  for (const m of listModels(lab.db)) {
    if (m.kind !== 'onnx-clip') continue;
    const other = onnxClipStoredSchema.safeParse(getModel(lab.db, m.id).config);
    if (!other.success || other.data.folder !== stored.folder) continue;
    const hashes = (s: OnnxClipStored) => JSON.stringify(Object.entries(s.files).map(([f, r]) => [f, r.sha256]));
    if (hashes(other.data) === hashes(stored)) return m.id;
  }
  return null;
}

/**
 * Registers a CLIP export (Hugging Face layout) as a model of the lab. The folder is checked fully first (both
 * encoders loaded, one tiny batch run, see openClipFolder): anything wrong is one UserError naming the file and
 * nothing is written. Then one models row records the folder, each file's size and sha-256, and the model's
 * facts, finished ('done', createReadyModel): it embeds the lab like a trained model (embedOnnxModel). Its
 * weights stay in the folder.
 */
export async function addOnnxModel(
  lab: Lab,
  folder: string,
  options: AddOnnxModelOptions = {},
): Promise<AddedOnnxModel> {
  const clip = await openClipFolder(folder, { probe: true, threads: options.threads, ort: options.ort });
  let stored: OnnxClipStored;
  try {
    stored = {
      kind: 'onnx-clip',
      name: options.name?.trim() || basename(clip.files.folder),
      folder: clip.files.folder,
      files: await recordFiles(clip.files.folder, clip.files.all),
      dim: clip.dim,
      imageSize: clip.preprocessing.width,
      maxLength: clip.maxLength,
      vocabSize: clip.tokenizer.vocabSize,
      scale: clip.scale,
    };
  } finally {
    await clip.towers.release();
  }
  const existing = sameModel(lab, stored);
  if (existing !== null) throw new OnnxModelAlreadyAddedError(existing, stored.folder);
  const modelId = createReadyModel(lab.db, {
    config: stored,
    tokenizer: { kind: 'huggingface', file: clip.files.tokenizer, vocabSize: stored.vocabSize },
    data: { source: 'onnx-folder' },
    backend: ONNX_BACKEND,
  });
  const { name, dim, imageSize, maxLength, vocabSize, scale } = stored;
  return { modelId, name, folder: stored.folder, dim, imageSize, maxLength, vocabSize, scale, files: clip.files.all };
}
