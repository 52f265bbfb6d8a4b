import type { Split } from '../api/types.ts';
import { buildZeroShotClasses, KnnClassifier, matrix, zeroShot } from '../knn/index.ts';
import { readEmbeddings } from '../store/embeddings.ts';
import type { Lab } from '../store/lab.ts';
import { resolveModelId, type RecallScores } from '../store/models.ts';
import type { BackendName } from './backend.ts';
import { NO_AUGMENT, renderInput } from './augment.ts';
import { loadLabData, type LabData, type LabItem } from './data.ts';
import { crossModalRecall } from './metrics.ts';
import { DEFAULT_MODEL, labelPrompt } from './config.ts';
import { EvaluationDataError } from './errors.ts';
import { loadQueryModel } from './load-query-model.ts';
import { EmbeddingModel } from './model.ts';
import { NoTextTowerError, type QueryModel } from './query-model.ts';
import { kindHasText, parseStoredConfig } from './stored.ts';
import { getModel } from '../store/models.ts';

export interface EvalResult {
  modelId: number;
  split: Split;
  /** Images of the split (the gallery for text→image) and their captions. */
  images: number;
  captions: number;
  /** Null for a model without a text tower (`unavailable` says so). */
  t2i: RecallScores | null;
  i2t: RecallScores | null;
  /** Why retrieval and zero-shot were not measured (the model has no text tower), or undefined. */
  unavailable?: string;
  /** With category labels: accuracy of "a photo of a {label}" prompts as classifiers. */
  zeroShotAccuracy?: number;
  /** With category labels: k-NN (k = 5, cosine) accuracy, split items as queries, train items as the gallery. */
  knnAccuracy?: number;
  /** The same k-NN on raw pixels (the model's input, whole image), for comparison (only when asked). */
  rawPixelKnnAccuracy?: number;
  classes?: number;
  k: number;
}

export interface EvalOptions {
  split?: Split;
  /** Neighbours for knnAccuracy. Default 5. */
  k?: number;
  /** Also compute k-NN accuracy on raw pixels. */
  baseline?: boolean;
  prefer?: BackendName;
  /** The lab's items and pixels when the caller has them loaded already (the trainer does). */
  data?: LabData;
}

/** A model loaded on first need (a backbone loads only when an embedding is missing), disposed by the caller. */
class ModelOnDemand {
  private loading: Promise<QueryModel> | null = null;
  constructor(
    private readonly lab: Lab,
    readonly id: number,
    private readonly prefer: BackendName | undefined,
  ) {}
  get(): Promise<QueryModel> {
    this.loading ??= loadQueryModel(this.lab, this.id, { prefer: this.prefer });
    return this.loading;
  }
  async dispose(): Promise<void> {
    if (this.loading) (await this.loading).dispose();
  }
}

/** The embedding dimension and text tower of a model, from its stored configuration when it says (no loading). */
async function shapeOf(lab: Lab, on: ModelOnDemand): Promise<{ dim: number; hasText: boolean }> {
  const stored = parseStoredConfig(getModel(lab.db, on.id).config, on.id);
  if (stored.kind === 'backbone') return { dim: stored.config.dim, hasText: false };
  if (stored.kind === 'trained') return { dim: stored.config.model.dim, hasText: true };
  const model = await on.get();
  return { dim: model.dim, hasText: kindHasText(model.kind) && model.hasText };
}

/**
 * Image and caption embeddings of the given items: stored ones, the missing ones computed now (no captions for a
 * model without a text tower).
 */
async function itemVectors(
  on: ModelOnDemand,
  shape: { dim: number; hasText: boolean },
  lab: Lab,
  data: LabData,
  items: LabItem[],
): Promise<{ images: Float32Array; captions: Float32Array; captionOwner: Int32Array }> {
  const d = shape.dim;
  const storedImg = readEmbeddings(lab.db, on.id, 'image');
  const storedCap = readEmbeddings(lab.db, on.id, 'caption');
  const images = new Float32Array(items.length * d);
  const missing: number[] = [];
  items.forEach((item, k) => {
    const r = storedImg.rowOf.get(item.id);
    if (r === undefined || storedImg.dim !== d) missing.push(k);
    else images.set(storedImg.data.subarray(r * d, (r + 1) * d), k * d);
  });
  if (missing.length) {
    const px = missing.map((k) => {
      const row = items[k].row;
      const size = data.store.sizes[row];
      const off = data.store.offsets[row];
      return { pixels: { data: data.store.data.subarray(off, off + size * size * 3), size }, bytes: null };
    });
    const e = await (await on.get()).embedImages(px);
    missing.forEach((k, j) => images.set(e.subarray(j * d, (j + 1) * d), k * d));
  }
  const caps = shape.hasText ? items.flatMap((item, k) => item.captions.map((c) => ({ ...c, owner: k }))) : [];
  const captions = new Float32Array(caps.length * d);
  const missingCaps: number[] = [];
  caps.forEach((c, j) => {
    const r = storedCap.rowOf.get(c.id);
    if (r === undefined || storedCap.dim !== d) missingCaps.push(j);
    else captions.set(storedCap.data.subarray(r * d, (r + 1) * d), j * d);
  });
  if (missingCaps.length) {
    const e = await (await on.get()).embedTexts(missingCaps.map((j) => caps[j].text));
    missingCaps.forEach((j, m) => captions.set(e.subarray(m * d, (m + 1) * d), j * d));
  }
  return { images, captions, captionOwner: Int32Array.from(caps.map((c) => c.owner)) };
}

function rawPixels(data: LabData, items: LabItem[], size: number): Float32Array {
  const per = size * size * 3;
  const out = new Float32Array(items.length * per);
  items.forEach((item, k) => {
    const row = item.row;
    renderInput(
      { data: data.store.data, offset: data.store.offsets[row], size: data.store.sizes[row] },
      out,
      k * per,
      size,
      NO_AUGMENT,
      0,
    );
  });
  return out;
}

function knnAccuracy(
  gallery: Float32Array,
  galleryLabels: string[],
  queries: Float32Array,
  queryLabels: string[],
  dim: number,
  k: number,
): number {
  const clf = new KnnClassifier().fit(matrix(gallery, galleryLabels.length, dim), galleryLabels, 'cosine');
  const pred = clf.predictBatch(matrix(queries, queryLabels.length, dim), { k });
  let correct = 0;
  pred.forEach((p, i) => (correct += p.label === queryLabels[i] ? 1 : 0));
  return correct / Math.max(queryLabels.length, 1);
}

/**
 * Retrieval on one split (its images are the gallery, its captions the queries, and back), and
 * with category labels zero-shot and k-NN classification accuracy.
 */
export async function evaluateModel(lab: Lab, modelId?: number | null, options: EvalOptions = {}): Promise<EvalResult> {
  const split = options.split ?? 'test';
  const k = options.k ?? 5;
  const id = resolveModelId(lab.db, modelId);
  const on = new ModelOnDemand(lab, id, options.prefer);
  try {
    const shape = await shapeOf(lab, on);
    const data = options.data ?? loadLabData(lab.db);
    const items = data.items.filter((i) => i.split === split);
    if (items.length === 0) throw new EvaluationDataError(`the ${split} split of this lab is empty`);
    const d = shape.dim;
    const v = await itemVectors(on, shape, lab, data, items);
    const recall = shape.hasText ? crossModalRecall(v.images, items.length, v.captions, v.captionOwner, d) : null;
    const result: EvalResult = {
      modelId: id,
      split,
      images: items.length,
      captions: items.reduce((n, i) => n + i.captions.length, 0),
      t2i: recall?.t2i ?? null,
      i2t: recall?.i2t ?? null,
      k,
    };
    if (!shape.hasText)
      result.unavailable = `${new NoTextTowerError(id).message}; text→image, image→text and zero-shot need one`;

    const labelled = items.map((item, i) => ({ item, i })).filter((x) => x.item.label !== null);
    const train = data.items.filter((i) => i.split === 'train' && i.label !== null);
    const classes = [...new Set(data.items.map((i) => i.label).filter((l): l is string => l !== null))].sort();
    if (labelled.length > 0 && classes.length >= 2) {
      result.classes = classes.length;
      if (shape.hasText) {
        const model = await on.get();
        const prompts = await model.embedTexts(classes.map((c) => labelPrompt(c)));
        const zs = buildZeroShotClasses(
          Object.fromEntries(classes.map((c, j) => [c, [prompts.subarray(j * d, (j + 1) * d)]])),
        );
        let correct = 0;
        for (const { item, i } of labelled)
          correct += zeroShot(v.images.subarray(i * d, (i + 1) * d), zs, model.scale).label === item.label ? 1 : 0;
        result.zeroShotAccuracy = correct / labelled.length;
      }
      if (train.length > 0) {
        const queries = new Float32Array(labelled.length * d);
        labelled.forEach(({ i }, j) => queries.set(v.images.subarray(i * d, (i + 1) * d), j * d));
        const gallery = (await itemVectors(on, shape, lab, data, train)).images;
        const queryLabels = labelled.map((x) => x.item.label!);
        const galleryLabels = train.map((t) => t.label!);
        result.knnAccuracy = knnAccuracy(gallery, galleryLabels, queries, queryLabels, d, k);
        if (options.baseline) {
          // The model's own input size when it has one (trained from scratch), else the default.
          const model = shape.hasText ? await on.get() : null;
          const s = model instanceof EmbeddingModel ? model.imageSize : DEFAULT_MODEL.imageSize;
          const per = s * s * 3;
          result.rawPixelKnnAccuracy = knnAccuracy(
            rawPixels(data, train, s),
            galleryLabels,
            rawPixels(
              data,
              labelled.map((x) => x.item),
              s,
            ),
            queryLabels,
            per,
            k,
          );
        }
      }
    }
    return result;
  } finally {
    await on.dispose();
  }
}
