import type { ApiHandlers } from '../api/contract.ts';
import { LabReadOnlyError } from '../store/job-lock.ts';
import { getModel } from '../store/models.ts';
import type { ServiceContext } from './context.ts';
import { embeddingHandlers } from './embedding.ts';
import { modelSummary } from './model-summary.ts';

export type OnnxModelApi = Pick<ApiHandlers, 'addModel'>;

/** Models brought by the user: a CLIP from a local folder of ONNX files. */
export function onnxModelHandlers(ctx: ServiceContext): OnnxModelApi {
  return {
    addModel: async (p) => {
      if (ctx.lab.readOnly) throw new LabReadOnlyError(ctx.lab, `adding the model in ${p.folder}`);
      // onnxruntime and the tokenizer load with the first CLIP, not with the service.
      const { addOnnxModel } = await import('../model/onnx/add.ts');
      const { modelId } = await addOnnxModel(ctx.lab, p.folder, { name: p.name });
      ctx.search.cache.invalidate();
      ctx.emit({ type: 'lab-changed' });
      const { jobId } = await embeddingHandlers(ctx).startEmbedding({ modelId, all: false });
      return { model: modelSummary(ctx.lab.db, getModel(ctx.lab.db, modelId)), jobId };
    },
  };
}
