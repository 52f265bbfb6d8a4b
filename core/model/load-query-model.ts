import type { Lab } from '../store/lab.ts';
import { resolveModelId } from '../store/models.ts';
import { UserError } from '../util/user-error.ts';
import type { BackendName } from './backend.ts';
import type { ModelKind, QueryModel } from './query-model.ts';
import { readModelKind } from './stored.ts';

export interface LoadQueryModelOptions {
  /** The TF.js backend for models that run on it (trained here). */
  prefer?: BackendName;
}

/** Loads a model of one kind for inference in the calling thread. */
export type QueryModelLoader = (lab: Lab, id: number, options: LoadQueryModelOptions) => Promise<QueryModel>;

/** A model of a kind this build cannot load. */
export class UnsupportedModelKindError extends UserError {
  override readonly name = 'UnsupportedModelKindError';
  constructor(
    readonly modelId: number,
    readonly kind: ModelKind,
  ) {
    super(`model ${modelId} is of kind '${kind}', which this version of Nearlab cannot load`);
  }
}

/**
 * How each kind of model is loaded, each module imported on first use (TF.js, a backbone's weights, onnxruntime
 * load with the first model of their kind, not with the service).
 */
const LOADERS: Partial<Record<ModelKind, QueryModelLoader>> = {
  trained: (lab, id, o) => import('./model.ts').then((m) => m.EmbeddingModel.load(lab, id, o)),
  backbone: (lab, id) => import('./backbone-model.ts').then((m) => m.BackboneQueryModel.load(lab, id)),
  'onnx-clip': (lab, id) => import('./onnx/load.ts').then((m) => m.loadOnnxClipModel(lab, id)),
};

/** Loads model `id` (or the newest finished one) by the kind its stored configuration records. */
export async function loadQueryModel(
  lab: Lab,
  id?: number | null,
  options: LoadQueryModelOptions = {},
): Promise<QueryModel> {
  const modelId = resolveModelId(lab.db, id);
  const kind = readModelKind(lab.db, modelId);
  const loader = LOADERS[kind];
  if (!loader) throw new UnsupportedModelKindError(modelId, kind);
  return loader(lab, modelId, options);
}
