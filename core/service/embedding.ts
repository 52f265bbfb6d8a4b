import type { ApiHandlers } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';
import { captionsToEmbed, itemsToEmbed } from '../store/embeddings.ts';
import { readBackboneModelConfig } from '../model/backbone-model.ts';
import { kindHasText, readModelKind } from '../model/stored.ts';
import { finishedModelIds, listModels } from '../store/models.ts';
import type { ServiceContext } from './context.ts';

export type EmbeddingApi = Pick<ApiHandlers, 'startEmbedding'>;

/**
 * True when the model has a live item or caption (one with a text tower) without an embedding from it that it can
 * embed now: a backbone-features model only items whose features are stored (the features job queues the rest).
 */
function behind(ctx: ServiceContext, modelId: number): boolean {
  const db = ctx.lab.db;
  const kind = readModelKind(db, modelId);
  const page = { all: false, after: 0, limit: 1 };
  const images =
    kind === 'backbone' ? { ...page, withFeatures: readBackboneModelConfig(ctx.lab, modelId).backbone } : page;
  if (itemsToEmbed(db, modelId, images).length > 0) return true;
  return kindHasText(kind) && captionsToEmbed(db, modelId, page).length > 0;
}

/**
 * An 'embed' job: the models (default: every finished one) embed the live items and captions they have no
 * embedding of (with `all`, every one), in batches, with progress. When it ends having written something it looks
 * again, so that items imported while it ran get a follow-up job.
 */
function startEmbedJob(ctx: ServiceContext, p: { modelId?: number; all: boolean }): string {
  let wrote = 0;
  const title = p.modelId ? `Embed the lab with model ${p.modelId}` : 'Embed new items with the trained models';
  return ctx.jobs.start(
    'embed',
    title,
    async ({ signal, progress }) => {
      // Loaded on use, like every heavy module of the service (TF.js here).
      const { embedModels } = await import('../model/embed-incremental.ts');
      const ids = p.modelId ? [p.modelId] : finishedModelIds(ctx.lab.db);
      const results = await embedModels(ctx.lab, ids, { all: p.all, signal, onProgress: progress });
      ctx.search.cache.invalidate();
      const cancelled = signal.aborted || results.some((r) => r.status === 'cancelled');
      const images = results.reduce((s, r) => s + r.images, 0);
      const captions = results.reduce((s, r) => s + r.captions, 0);
      if (!cancelled) wrote = images + captions;
      return { status: cancelled ? 'cancelled' : 'done', images, captions, models: results };
    },
    () => {
      if (wrote > 0) embedWhenBehind(ctx);
    },
  );
}

/**
 * Starts an embed job when a finished model lacks embeddings of some live items or captions (after an import or a
 * training run); when an embed job is already running, that job looks again as it ends.
 */
export function embedWhenBehind(ctx: ServiceContext): void {
  if (ctx.jobs.list().some((j) => j.kind === 'embed' && j.status === 'running')) return;
  if (!finishedModelIds(ctx.lab.db).some((id) => behind(ctx, id))) return;
  startEmbedJob(ctx, { all: false });
}

/** Embedding the lab with its trained models on request (the UI's "Embed the rest"). */
export function embeddingHandlers(ctx: ServiceContext): EmbeddingApi {
  return {
    startEmbedding: async (p) => {
      const finished = finishedModelIds(ctx.lab.db);
      if (p.modelId !== undefined && !finished.includes(p.modelId)) {
        const m = listModels(ctx.lab.db).find((x) => x.id === p.modelId);
        if (!m) throw new ApiError('not-found', `the lab has no model ${p.modelId}`);
        throw new ApiError(
          'bad-request',
          `model ${p.modelId} has not finished training (${m.status}): it cannot embed`,
        );
      }
      if (finished.length === 0)
        throw new ApiError('bad-request', 'the lab has no finished model yet: train one first');
      return { jobId: startEmbedJob(ctx, p) };
    },
  };
}
