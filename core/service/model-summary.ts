import type { ModelSummary, Results } from '../api/contract.ts';
import { labBackbones } from '../model/backbones/lab-backbones.ts';
import { isLit, SCRATCH } from '../model/config.ts';
import { parseStoredConfig } from '../model/stored.ts';
import { embeddingCounts, embeddingCoverage } from '../store/embeddings.ts';
import { featureCoverage } from '../store/features.ts';
import type { Db } from '../store/lab.ts';
import { getModel, runStatus, type ModelSummary as StoredSummary } from '../store/models.ts';

/** What a model's row says of it beyond its kind: name, loss and sizes as the model table shows them. */
type Described = Pick<ModelSummary, 'name' | 'loss' | 'epochs' | 'dim' | 'imageSize' | 'mining'>;

const numberOr = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);

/** A backbone's input side (`fallback` for a name the lab no longer knows: a removed CLIP). */
function inputSizeOf(db: Db, backbone: string, fallback: number): number {
  return labBackbones(db).find((b) => b.name === backbone)?.inputSize ?? fallback;
}

/** The name and settings of a model, by its kind. */
function describe(db: Db, m: StoredSummary): { config: Record<string, unknown> } & Described {
  const stored = parseStoredConfig(getModel(db, m.id).config, m.id);
  const config = stored.config as unknown as Record<string, unknown>;
  if (stored.kind === 'trained') {
    const c = stored.config;
    return {
      config,
      name: `#${m.id} ${c.loss.kind}`,
      loss: c.loss.kind,
      epochs: c.epochs,
      dim: c.model.dim,
      // A head on a frozen backbone sees the backbone's input, not the CNN's.
      imageSize:
        isLit(c.model) && c.model.backbone ? inputSizeOf(db, c.model.backbone, c.model.imageSize) : c.model.imageSize,
      mining: c.loss.kind === 'triplet' ? (c.loss.mining ?? 'semihard') : null,
    };
  }
  if (stored.kind === 'backbone') {
    const c = stored.config;
    return {
      config,
      name: `#${m.id} backbone features (${c.backbone})`,
      loss: null,
      epochs: 0,
      dim: c.dim,
      imageSize: c.inputSize,
      mining: null,
    };
  }
  // A user's CLIP: its configuration's shape is core/model/onnx's; the table shows what it names.
  const title = typeof config.name === 'string' ? config.name : 'ONNX CLIP';
  return {
    config,
    name: `#${m.id} ${title}`,
    loss: null,
    epochs: 0,
    dim: numberOr(config.dim, 0),
    imageSize: numberOr(config.imageSize, 0),
    mining: null,
  };
}

/** A run's status as the API shows it ('running' is 'training'). */
function apiStatus(m: StoredSummary): ModelSummary['status'] {
  const s = runStatus(m);
  return s === 'running' ? 'training' : s;
}

/** One row of the API's model table. */
export function modelSummary(db: Db, m: StoredSummary): ModelSummary {
  const described = describe(db, m);
  const counts = embeddingCounts(db, m.id);
  const coverage = embeddingCoverage(db, m.id);
  // Backbone features have no text tower: no caption is theirs to cover.
  if (m.kind === 'backbone') Object.assign(coverage, { captions: 0, liveCaptions: 0 });
  return {
    id: m.id,
    kind: m.kind,
    backbone: m.backbone,
    createdAt: m.createdAt,
    status: apiStatus(m),
    backend: m.backend,
    epochsDone: m.epochsDone,
    metrics: m.metrics
      ? {
          t2i: m.metrics.t2i,
          i2t: m.metrics.i2t,
          knnAccuracy: m.metrics.knnAccuracy ?? null,
          zeroShotAccuracy: m.metrics.zeroShotAccuracy ?? null,
        }
      : null,
    embedded: coverage.items > 0 && coverage.images === coverage.items && coverage.captions === coverage.liveCaptions,
    coverage,
    embeddings: counts,
    error: m.error,
    ...described,
  };
}

/** The image towers a run can train: the CNN from scratch, and a head on each backbone (with its features so far). */
export function imageTowers(db: Db): Results['trainingDefaults']['backbones'] {
  return [
    { name: SCRATCH, title: 'CNN trained from scratch', features: null },
    ...labBackbones(db).map(({ name, title }) => {
      const c = featureCoverage(db, name);
      return { name, title, features: { done: c.done, images: c.images } };
    }),
  ];
}
