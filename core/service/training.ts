import { rmSync } from 'node:fs';
import type { ApiHandlers, Results } from '../api/contract.ts';
import { ApiError } from '../api/rpc.ts';
import { RateMeter } from '../data/progress.ts';
import {
  defaultTrainConfig,
  imageBackbone,
  resolveConfig,
  type DeepPartial,
  type TrainConfig,
} from '../model/config.ts';
import { labBackboneLookup } from '../model/backbones/lab-backbones.ts';
import { estimateDuration, trainingReadiness } from '../model/readiness.ts';
import { modelEpochs, modelSteps } from '../store/history.ts';
import { LabReadOnlyError } from '../store/job-lock.ts';
import { getModel, listModels, removeModel } from '../store/models.ts';
import type { ServiceContext } from './context.ts';
import { imageTowers, modelSummary } from './model-summary.ts';
import { indexPath } from './search/gallery.ts';
import { embedWhenBehind } from './embedding.ts';

export type TrainingApi = Pick<
  ApiHandlers,
  'models' | 'modelHistory' | 'removeModel' | 'startTraining' | 'trainingDefaults'
>;

/** The settings a startTraining call gives, over the defaults. */
function partialConfig(p: Parameters<ApiHandlers['startTraining']>[0]): DeepPartial<TrainConfig> {
  const partial: DeepPartial<TrainConfig> = { loss: { kind: p.loss } };
  if (p.epochs !== undefined) partial.epochs = p.epochs;
  if (p.batch !== undefined) partial.batchSize = p.batch;
  if (p.lr !== undefined) partial.lr = p.lr;
  if (p.seed !== undefined) partial.seed = p.seed;
  if (p.dim !== undefined || p.imageSize !== undefined || p.backbone !== undefined) {
    partial.model = {
      ...(p.dim !== undefined ? { dim: p.dim } : {}),
      ...(p.imageSize !== undefined ? { imageSize: p.imageSize } : {}),
      ...(p.backbone !== undefined ? { backbone: p.backbone } : {}),
    };
  }
  return partial;
}

/** A configuration's settings under the names startTraining gives them. */
function settingsOf(c: TrainConfig): Results['trainingDefaults']['settings'] {
  return {
    loss: c.loss.kind,
    backbone: imageBackbone(c.model),
    epochs: c.epochs,
    batch: c.batchSize,
    dim: c.model.dim,
    imageSize: c.model.imageSize,
    lr: c.lr,
    seed: c.seed,
  };
}

/** Models (training runs), their history, and training jobs. */
export function trainingHandlers(ctx: ServiceContext): TrainingApi {
  const db = ctx.lab.db;
  return {
    models: async () => ({ models: listModels(db).map((m) => modelSummary(db, m)) }),

    modelHistory: async (p) => {
      getModel(db, p.modelId);
      return {
        steps: modelSteps(db, p.modelId).map((s) => ({ step: s.step, epoch: s.epoch, loss: s.loss })),
        epochs: modelEpochs(db, p.modelId)
          .filter((e) => e.metrics)
          .map((e) => ({ epoch: e.epoch, t2i: e.metrics!.t2i, i2t: e.metrics!.i2t, loss: e.trainLoss })),
      };
    },

    removeModel: async (p) => {
      if (ctx.lab.readOnly) throw new LabReadOnlyError(ctx.lab, `removing model ${p.modelId}`);
      removeModel(db, p.modelId);
      for (const kind of ['image', 'caption'] as const) {
        const index = indexPath(ctx.lab, p.modelId, kind);
        for (const file of [index, `${index}.json`]) rmSync(file, { force: true });
      }
      ctx.search.cache.invalidate();
      ctx.emit({ type: 'lab-changed' });
      return { modelId: p.modelId };
    },

    trainingDefaults: async (p) => {
      let config: TrainConfig;
      try {
        config = defaultTrainConfig(p.backbone, labBackboneLookup(db));
      } catch (e) {
        throw new ApiError('bad-request', (e as Error).message);
      }
      const asked = { ...config, batchSize: p.batch ?? config.batchSize };
      const readiness = trainingReadiness(db, asked);
      return {
        settings: settingsOf(config),
        config: config as unknown as Record<string, unknown>,
        readiness,
        backbones: imageTowers(db),
        estimate: estimateDuration(db, asked, readiness.pairs),
      };
    },

    startTraining: async (p) => {
      let config: TrainConfig;
      try {
        config = resolveConfig(partialConfig(p), labBackboneLookup(db));
      } catch (e) {
        throw new ApiError('bad-request', (e as Error).message);
      }
      const resume = p.resumeModelId;
      const title =
        resume === undefined
          ? `Train (${p.loss})`
          : p.epochs === undefined
            ? `Resume model ${resume}`
            : `Continue model ${resume} to ${p.epochs} epochs`;
      // A resumed run keeps its settings but the number of epochs asked for.
      const settings: DeepPartial<TrainConfig> = resume === undefined ? config : { epochs: p.epochs };
      const jobId = ctx.jobs.start(
        'train',
        title,
        async ({ signal, progress }) => {
          const meter = new RateMeter();
          const { train } = await import('../model/trainer.ts');
          const r = await train(ctx.lab, settings, {
            signal,
            resume,
            onProgress: (t) => {
              const base = meter.measure(`model ${t.modelId} ${t.phase}`, t.step, t.totalSteps);
              progress({
                ...base,
                rate: t.samplesPerSec,
                etaSeconds: t.etaSeconds,
                detail: { modelId: t.modelId, epoch: t.epoch, epochs: t.epochs, loss: t.loss, phase: t.phase },
              });
            },
            // A head on a frozen backbone: its missing features first.
            onFeatureProgress: (p) => progress({ ...p, detail: { ...p.detail, phase: 'features' } }),
          });
          ctx.search.cache.invalidate();
          return {
            modelId: r.modelId,
            status: r.status,
            backend: r.backend,
            seconds: r.seconds,
            samplesPerSec: r.samplesPerSec,
            metrics: r.metrics,
          };
        },
        () => {
          ctx.emit({ type: 'lab-changed' });
          // Items imported while it trained are not among the ones the trainer embedded.
          embedWhenBehind(ctx);
        },
      );
      return { jobId };
    },
  };
}
