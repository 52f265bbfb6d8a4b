import type { ApiHandlers } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';
import { UserError } from '../util/user-error.ts';
import type { ServiceContext } from './context.ts';
import { classifyKnn, classifyZeroShot } from './search/classify.ts';
import { evaluate, knnCurve } from './search/evaluate.ts';
import { projection } from './search/projection.ts';
import { search } from './search/search.ts';

export type NeighboursApi = Pick<ApiHandlers, 'search' | 'classify' | 'knnCurve' | 'evaluate' | 'projection'>;

/** Errors a user can fix come back as bad requests; anything else stays a failure. */
export async function guard<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserError) throw new ApiError('bad-request', e.message);
    throw e;
  }
}

/** Search, classification, the K curve, evaluation and the map, over a lab's stored embeddings. */
export function neighbourHandlers(ctx: ServiceContext): NeighboursApi {
  const s = ctx.search;
  return {
    search: (p) =>
      guard(() =>
        search(s, p.query, { k: p.k, target: p.target, modelId: p.modelId, filters: p.filters, mode: p.mode }),
      ),
    classify: (p) => {
      const m = p.method;
      return guard(() =>
        m.kind === 'knn'
          ? classifyKnn(s, p.image, { k: m.k, weights: m.weights, metric: m.metric, modelId: p.modelId })
          : classifyZeroShot(s, p.image, { labels: m.labels, templates: m.templates, modelId: p.modelId }),
      );
    },
    knnCurve: (p) => guard(() => knnCurve(s, p)),
    evaluate: (p) => guard(() => evaluate(s, p)),
    projection: (p) => guard(() => projection(s, p)),
  };
}
