import type { ApiHandlers } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';
import { DEFAULT_BACKBONE, UnknownBackboneError } from '../model/backbones/index.ts';
import { labBackboneLookup } from '../model/backbones/lab-backbones.ts';
import { countImagesWithoutFeatures } from '../store/features.ts';
import type { ServiceContext } from './context.ts';
import { embedWhenBehind } from './embedding.ts';

export type FeaturesApi = Pick<ApiHandlers, 'startFeatures'>;

/**
 * A 'features' job: the backbone's features of the live images without any, in batches on both cores, with
 * progress. When it wrote some, the models built on features may be behind: an embed job follows if so.
 */
function startFeatureJob(ctx: ServiceContext, backbone: string): string {
  let wrote = 0;
  return ctx.jobs.start(
    'features',
    `Compute ${labBackboneLookup(ctx.lab.db)(backbone).title} features`,
    async ({ signal, progress }) => {
      // Loaded on use, like every heavy module of the service (TF.js and sharp here).
      const { extractFeatures } = await import('../model/features/extract.ts');
      const r = await extractFeatures(ctx.lab, backbone, { signal, onProgress: progress });
      wrote = r.computed;
      return { ...r };
    },
    () => {
      if (wrote > 0) embedWhenBehind(ctx);
    },
  );
}

/**
 * Queues a features job for the default backbone when some live image has none yet (after an import), unless one
 * is already running or queued.
 */
export function featuresWhenBehind(ctx: ServiceContext): void {
  if (ctx.jobs.list().some((j) => j.kind === 'features' && j.status === 'running')) return;
  if (countImagesWithoutFeatures(ctx.lab.db, DEFAULT_BACKBONE) === 0) return;
  startFeatureJob(ctx, DEFAULT_BACKBONE);
}

export function featureHandlers(ctx: ServiceContext): FeaturesApi {
  return {
    startFeatures: async (p) => {
      const backbone = p.backbone ?? DEFAULT_BACKBONE;
      try {
        labBackboneLookup(ctx.lab.db)(backbone);
      } catch (e) {
        if (e instanceof UnknownBackboneError) throw new ApiError('bad-request', e.message);
        throw e;
      }
      return { jobId: startFeatureJob(ctx, backbone) };
    },
  };
}
