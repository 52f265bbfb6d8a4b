import type { Progress } from '../api/types.ts';
import { readFeatures } from '../store/features.ts';
import type { Db, Lab } from '../store/lab.ts';
import { imageBackbone, isLit, resolveConfig, type DeepPartial, type TrainConfig } from './config.ts';
import type { LabData } from './data.ts';
import { featureStandardisation, HEAD_MEAN, HEAD_SCALE } from './head-tower.ts';
import type { ParamLayout } from './params.ts';
import type { FeatureStore } from './replica.ts';
import { readStoredModel } from './stored.ts';
import { labBackboneLookup } from './backbones/lab-backbones.ts';

/**
 * The features a LiT run trains on (a head on a frozen backbone): computed first where missing, then loaded into
 * shared memory beside the pixels, one row per distinct image.
 */

/** Views a run reads: the flip (view 1) too when it augments with flips. */
export function runViews(config: TrainConfig): number {
  return config.augment.flip ? 2 : 1;
}

/**
 * Before a LiT run is set up (new, or resumed: its stored settings): computes its backbone's features of the live
 * images that have none (the feature job: incremental, on both cores, with progress). Nothing for the CNN.
 */
export async function computeRunFeatures(
  lab: Lab,
  partial: DeepPartial<TrainConfig>,
  resume: number | undefined,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<void> {
  const config =
    resume !== undefined ? readStoredModel(lab.db, resume).config : resolveConfig(partial, labBackboneLookup(lab.db));
  if (!isLit(config.model)) return;
  const { extractFeatures } = await import('./features/extract.ts');
  await extractFeatures(lab, imageBackbone(config.model), { views: runViews(config), ...options });
}

/** Stored features whose length is not the one the run's head was set up for. */
export class FeatureShapeError extends Error {
  override readonly name = 'FeatureShapeError';
}

/**
 * The run's data with the backbone's features of every pixel row in shared memory (view 1 falls back to view 0
 * where no flip is stored); items whose image has no feature (the backbone failed on it) are left out of the run.
 * The CNN's data is returned as it is.
 */
export function withFeatures(db: Db, data: LabData, config: TrainConfig): LabData {
  const model = config.model;
  if (!isLit(model) || !model.head) return data;
  const backbone = imageBackbone(model);
  const rows = data.store.sizes.length;
  const dim = model.head.featureDim;
  const views = runViews(config);
  const imageOfRow = new Int32Array(rows).fill(-1);
  for (const item of data.items) imageOfRow[item.row] = item.imageId;
  const rowOf = new Map(Array.from(imageOfRow, (imageId, row) => [imageId, row]));
  const buffer = new Float32Array(new SharedArrayBuffer(Math.max(1, rows * views * dim) * 4));
  const has = new Uint8Array(rows);
  for (let view = 0; view < views; view++) {
    const f = readFeatures(db, backbone, imageOfRow, view);
    if (f.found.length > 0 && f.dim !== dim)
      throw new FeatureShapeError(`${backbone} features of ${f.dim} values, the model's head reads ${dim}`);
    f.found.forEach((imageId, r) => {
      const row = rowOf.get(imageId)!;
      buffer.set(f.data.subarray(r * dim, (r + 1) * dim), (view * rows + row) * dim);
      if (view === 0) has[row] = 1;
      else has[row] |= 2;
    });
  }
  for (let row = 0; row < rows && views > 1; row++) {
    if (has[row] === 1) buffer.copyWithin((rows + row) * dim, row * dim, (row + 1) * dim);
  }
  const features: FeatureStore = { data: buffer, rows, dim, views };
  return { ...data, items: data.items.filter((i) => (has[i.row] & 1) === 1), features };
}

/**
 * A new run's starting weights: the layout's seeded initialisation, and for a LiT head the standardisation of its
 * input (mean and spread of the train items' whole-image features), which stays fixed for the run.
 */
export function initialWeights(layout: ParamLayout, config: TrainConfig, data: LabData): Float32Array {
  const weights = layout.init(config.seed);
  const f = data.features;
  if (!f || !layout.has(HEAD_MEAN)) return weights;
  const rows = [...new Set(data.items.filter((i) => i.split === 'train').map((i) => i.row))];
  const train = new Float32Array(rows.length * f.dim);
  rows.forEach((row, k) => train.set(f.data.subarray(row * f.dim, (row + 1) * f.dim), k * f.dim));
  const { mean, scale } = featureStandardisation(train, rows.length, f.dim);
  layout.view(weights, HEAD_MEAN).set(mean);
  layout.view(weights, HEAD_SCALE).set(scale);
  return weights;
}
