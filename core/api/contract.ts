/**
 * The one API between the UI and core: every method, its parameters (validated with zod wherever
 * they cross a process boundary: Electron IPC, the utility process, HTTP) and its result type.
 * The Electron preload, the browser-mode HTTP server and the renderer all use this file; methods
 * are added here first, then implemented in core/service/service.ts.
 *
 * Transport (see core/api/rpc.ts): a call is { method, params } → { ok: true, result } or
 * { ok: false, error: { kind, message } }; events (job progress) are pushed as ApiEvent.
 */
import { z } from 'zod';
import type { LabInfo, Progress, Split } from './types.ts';
import { theoryParams, type TheoryResults } from './theory-contract.ts';
import { curationParams, type CurationResults } from './curation-contract.ts';

export const SPLIT = z.enum(['train', 'val', 'test']);

const id = z.number().int().positive();
export const LOSS = z.enum(['npair', 'triplet', 'contrastive']);
export const METRIC = z.enum(['cosine', 'euclidean', 'sqeuclidean', 'l1']);
/** An image given by the user: a lab item, or the bytes of a dropped or picked file (base64, ≤ 20 MB). */
export const IMAGE = z.union([
  z.object({ itemId: id }).strict(),
  z.object({ base64: z.string().min(1).max(28_000_000), name: z.string().max(500).optional() }).strict(),
]);
export const QUERY = z.union([
  z.object({ text: z.string().min(1).max(2000) }).strict(),
  z.object({ image: IMAGE }).strict(),
  /** Query arithmetic, e.g. `2:"red apple" - "green"` (image terms name lab item paths). */
  z.object({ expression: z.string().min(1).max(4000) }).strict(),
]);
export const FILTERS = z
  .object({ label: z.string().max(1000).optional(), split: SPLIT.optional(), folder: z.string().max(4096).optional() })
  .strict();

export const params = {
  info: z.object({}).strict(),
  listItems: z
    .object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
      split: SPLIT.optional(),
      label: z.string().max(1000).optional(),
      /** Words that must each begin a word of a caption or the path (case and accents aside; see store/items.ts). */
      text: z.string().max(1000).optional(),
    })
    .strict(),
  item: z.object({ id }).strict(),
  importProblems: z.object({ limit: z.number().int().min(1).max(100_000).default(1000) }).strict(),
  /**
   * Changes an item by hand (kept in its history, see itemHistory): its split, its label (a category name, a number
   * for a regression lab, or null for none) and its captions (the full new list). What is left out stays as it is.
   */
  editItem: z
    .object({
      id,
      split: SPLIT.optional(),
      label: z.union([z.string().trim().min(1).max(1000), z.number().finite(), z.null()]).optional(),
      captions: z.array(z.string().trim().min(1).max(10_000)).max(1000).optional(),
    })
    .strict(),
  /** Takes items out of the lab (their files stay on disk; a later import of their folder brings them back). */
  removeItems: z.object({ ids: z.array(id).min(1).max(100_000) }).strict(),
  /** Takes an imported folder and all its items out of the lab (files stay on disk; importing it again restores it). */
  removeFolder: z.object({ root: z.string().min(1).max(4096) }).strict(),
  itemHistory: z.object({ id }).strict(),
  /** Reverts the item's latest change that is not undone yet (one save: all the fields it changed). */
  undoItemEdit: z.object({ id }).strict(),
  startImport: z
    .object({
      folder: z.string().min(1).max(4096),
      captionsFile: z.string().min(1).max(4096).optional(),
      labelsFile: z.string().min(1).max(4096).optional(),
      captionFromFilename: z.boolean().default(false),
      labelFromFolder: z.boolean().default(false),
      labelType: z.enum(['category', 'number']).default('category'),
      split: SPLIT.optional(),
      holdout: z.number().min(0).max(0.49).optional(),
    })
    .strict(),
  sampleFolder: z.object({}).strict(),
  jobs: z.object({}).strict(),
  cancelJob: z.object({ jobId: z.string().min(1).max(100) }).strict(),

  // Models and training (issue 3)
  models: z.object({}).strict(),
  modelHistory: z.object({ modelId: id }).strict(),
  /** Deletes a run that is not training (finished, cancelled, failed or interrupted) with all it stored. */
  removeModel: z.object({ modelId: id }).strict(),
  /**
   * Adds a CLIP exported in the Hugging Face layout (onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json,
   * preprocessor_config.json) from a local folder as a model of the lab, after checking it fully (nothing is written
   * when something is wrong: the error names the file); then embeds the lab with it, as a job of kind 'embed'.
   */
  addModel: z
    .object({ folder: z.string().min(1).max(4096), name: z.string().trim().min(1).max(200).optional() })
    .strict(),
  startTraining: z
    .object({
      loss: LOSS.default('npair'),
      epochs: z.number().int().min(1).max(1000).optional(),
      batch: z.number().int().min(2).max(1024).optional(),
      dim: z.number().int().min(2).max(2048).optional(),
      imageSize: z.number().int().min(16).max(96).optional(),
      lr: z.number().positive().max(1).optional(),
      seed: z.number().int().min(0).optional(),
      /** The image tower: 'scratch' (the CNN from nothing) or a frozen backbone to train a head on (LiT). */
      backbone: z.string().min(1).max(200).optional(),
      /**
       * Continue a cancelled or interrupted run from its last checkpoint, or a finished one from its final weights
       * up to `epochs` epochs in total (its embeddings are made again at the end).
       */
      resumeModelId: id.optional(),
    })
    .strict(),
  /**
   * The default of every training setting, whether the train split can train (readiness, for `batch` when given)
   * and how long a default run's training steps would take (with `batch` too) at a speed measured in this lab (null
   * when none was).
   */
  trainingDefaults: z
    .object({ batch: z.number().int().min(2).max(1024).optional(), backbone: z.string().min(1).max(200).optional() })
    .strict(),
  /**
   * Embeds the live items and captions a finished model has no embedding of yet (new or changed since), or with
   * `all` every one again; without modelId, every finished model in turn. A job of kind 'embed'.
   */
  startEmbedding: z.object({ modelId: id.optional(), all: z.boolean().default(false) }).strict(),
  /**
   * Computes a frozen backbone's features (default: the default backbone) of the live images that have none yet.
   * A job of kind 'features'; an import queues one for the default backbone by itself.
   */
  startFeatures: z.object({ backbone: z.string().min(1).max(200).optional() }).strict(),

  // Neighbours (issue 4). modelId defaults to the newest trained model.
  search: z
    .object({
      query: QUERY,
      k: z.number().int().min(1).max(1000).default(24),
      /** What to return: images (text→image, image→image) or captions (image→text). */
      target: z.enum(['image', 'caption']).default('image'),
      modelId: id.optional(),
      filters: FILTERS.default({}),
      /**
       * Text queries: 'hybrid' fuses the embedding ranking with the captions' keyword matches (reciprocal rank
       * fusion), 'embedding' ranks by the embedding alone. Image and expression queries always use the embedding.
       */
      mode: z.enum(['hybrid', 'embedding']).default('hybrid'),
    })
    .strict(),
  classify: z
    .object({
      image: IMAGE,
      method: z.discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('zero-shot'),
            labels: z.array(z.string().min(1).max(200)).min(1).max(1000),
            templates: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
          })
          .strict(),
        z
          .object({
            kind: z.literal('knn'),
            k: z.number().int().min(1).max(1000).default(5),
            weights: z.enum(['uniform', 'distance']).default('uniform'),
            metric: METRIC.default('cosine'),
          })
          .strict(),
      ]),
      modelId: id.optional(),
    })
    .strict(),
  knnCurve: z
    .object({
      modelId: id.optional(),
      metric: METRIC.default('cosine'),
      maxK: z.number().int().min(1).max(200).default(50),
    })
    .strict(),
  evaluate: z
    .object({
      modelId: id.optional(),
      split: SPLIT.default('test'),
      /** Neighbours and metric of the k-NN accuracy and the confusion matrix. */
      k: z.number().int().min(1).max(1000).default(5),
      metric: METRIC.default('cosine'),
      /** Also measure k-NN accuracy on raw pixels, for comparison. */
      baseline: z.boolean().default(false),
    })
    .strict(),
  projection: z
    .object({
      modelId: id.optional(),
      method: z.enum(['pca', 'umap']).default('pca'),
      /** Images only, or images and their captions in the joint space. */
      modality: z.enum(['image', 'both']).default('image'),
      limit: z.number().int().min(10).max(20_000).default(3000),
    })
    .strict(),

  ...theoryParams,
  ...curationParams,
} as const;

export type Methods = typeof params;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]>;
export type ParsedParams<M extends MethodName> = z.output<Methods[M]>;

export interface ItemSummary {
  id: number;
  path: string;
  root: string;
  split: Split;
  label: string | null;
  value: number | null;
  captions: string[];
  width: number;
  height: number;
}

export interface ItemDetail extends ItemSummary {
  format: string;
  bytes: number;
  hash: string;
  /** Other items with identical content. */
  duplicates: { id: number; path: string }[];
  /** What users changed on the item by hand, oldest first. */
  history: ItemEdit[];
}

/** One field of an item a user changed by hand, or the item's removal. */
export interface ItemEdit {
  id: number;
  /** The fields one save changed share a change number: an undo reverts the item's latest change whole. */
  change: number;
  at: string;
  field: 'caption' | 'label' | 'split' | 'removed';
  /** A caption's text, a label's name or number, a split; null for none. For 'removed': the item's path. */
  before: string | number | null;
  after: string | number | null;
  /** When the edit was undone, or null. */
  undoneAt: string | null;
}

export interface ProblemSummary {
  runId: number;
  root: string;
  path: string;
  line: number | null;
  severity: 'error' | 'warning';
  reason: string;
}

export type JobKind = 'import' | 'train' | 'embed' | 'features';

export interface JobState {
  id: string;
  kind: JobKind;
  title: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: Progress | null;
  /** Set when done: the job's own summary (e.g. an ImportSummary without its problem list). */
  result: Record<string, unknown> | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface Results extends TheoryResults, CurationResults {
  info: LabInfo & { lab: string };
  listItems: { total: number; items: ItemSummary[] };
  item: ItemDetail;
  importProblems: { problems: ProblemSummary[]; total: number };
  editItem: ItemDetail;
  removeItems: { removed: number };
  /** The folder as the lab names it (resolved) and the number of its items removed. */
  removeFolder: { root: string; removed: number };
  itemHistory: { entries: ItemEdit[] };
  /** The edits reverted (empty when there was nothing left to undo) and the item as it is now. */
  undoItemEdit: { undone: ItemEdit[]; item: ItemDetail };
  startImport: { jobId: string };
  sampleFolder: { path: string; exists: boolean };
  jobs: { jobs: JobState[] };
  cancelJob: { cancelled: boolean };
  models: { models: ModelSummary[] };
  modelHistory: {
    steps: { step: number; epoch: number; loss: number }[];
    epochs: { epoch: number; t2i: RecallMetrics; i2t: RecallMetrics; loss: number }[];
  };
  removeModel: { modelId: number };
  /** The new model, as the model table lists it, and the job embedding the lab with it. */
  addModel: { model: ModelSummary; jobId: string };
  startTraining: { jobId: string };
  trainingDefaults: {
    /** The defaults of the settings startTraining takes, under its names. */
    settings: {
      loss: z.infer<typeof LOSS>;
      /** 'scratch' or the frozen backbone a head trains on. */
      backbone: string;
      epochs: number;
      batch: number;
      dim: number;
      imageSize: number;
      lr: number;
      seed: number;
    };
    /** Every setting of a default run's configuration, those startTraining does not take too. */
    config: Record<string, unknown>;
    readiness: TrainingReadiness;
    /** The image towers a run can use: 'scratch' and each backbone, with how many images have its features. */
    backbones: { name: string; title: string; features: { done: number; images: number } | null }[];
    /** Training time of a default run (validation and embedding aside), at the last speed of the same network. */
    estimate: { seconds: number; samplesPerSec: number; modelId: number } | null;
  };
  startEmbedding: { jobId: string };
  startFeatures: { jobId: string };
  search: {
    modelId: number;
    results: SearchHit[];
    /**
     * True when even the best result fits the query less well than most of the lab's own captions fit their images
     * (below `weakBelow`, the 10th percentile of those similarities): the results are likely unrelated to it.
     */
    weakMatch: boolean;
    weakBelow: number | null;
    /**
     * A text query's words that the model's vocabulary lacks (null for image queries, and for models that know
     * every word). A query of only unknown words, or of none (emoji, punctuation), is a weak match too.
     */
    unknownWords: string[] | null;
    /** Why the match is weak: every query word unknown to the model (or none at all), or a low best score. */
    weakReason: 'unknown-words' | 'low-score' | null;
  };
  classify: {
    modelId: number;
    label: string;
    probabilities: Record<string, number>;
    /** The item's own category label when the image is a labeled lab item, to set beside the prediction. */
    trueLabel: string | null;
    neighbours: Neighbour[];
    /**
     * Zero-shot: the cosine similarity of the image to each label's prompt embedding (its templates filled and
     * averaged), the score calibrate's label thresholds apply to. Optional: absent from k-NN answers.
     */
    scores?: Record<string, number>;
  };
  knnCurve: {
    modelId: number;
    points: { k: number; accuracy: number }[];
    bestK: number;
    /** Labeled train items whose leave-one-out votes were counted, of `labeled`: all of them, or a seeded sample. */
    queries?: number;
    labeled?: number;
  };
  evaluate: {
    modelId: number;
    split: Split;
    /** Images of the split (the gallery for text→image) and their captions. */
    images: number;
    captions: number;
    /** Retrieval between the split's captions and images; null for a model without a text tower. */
    t2i: RecallMetrics | null;
    i2t: RecallMetrics | null;
    /** Why retrieval and zero-shot were not measured (the model has no text tower), or null. */
    unavailable: string | null;
    /** With category labels: label-prompt zero-shot accuracy over this many classes. */
    zeroShotAccuracy: number | null;
    classes: number | null;
    /** With category labels: k-NN accuracy (train items vote) under this K and metric, and its confusion matrix. */
    knnAccuracy: number | null;
    k: number;
    metric: z.infer<typeof METRIC>;
    confusion: { labels: string[]; matrix: number[][] } | null;
    /** Predictions whose vote was tied; a tie goes to the class whose name sorts first. */
    ties: number;
    /** The same k-NN on raw pixels, when asked for (`baseline`). */
    rawPixelKnnAccuracy: number | null;
  };
  projection: {
    modelId: number;
    method: 'pca' | 'umap';
    points: {
      x: number;
      y: number;
      kind: 'image' | 'caption';
      itemId: number;
      label: string | null;
      /** The split of the image (of a caption: of its image). */
      split: Split;
      text?: string;
    }[];
  };
}

/** What a run would train on, checked before it starts: an 'error' stops it, a 'warning' says what it lacks. */
export interface TrainingReadiness {
  /** Live images of the train split, those with a caption, and those paired with a text (caption or label prompt). */
  trainImages: number;
  captioned: number;
  pairs: number;
  /** The batch a run would use (every pair when there are fewer than asked for). */
  batch: number;
  problems: { severity: 'error' | 'warning'; message: string }[];
}

export interface RecallMetrics {
  r1: number;
  r5: number;
  r10: number;
  medianRank: number;
}

export interface ModelSummary {
  id: number;
  name: string;
  /** Trained here, "backbone features" (a frozen backbone's features, no training, no text tower), a user's CLIP. */
  kind: 'trained' | 'backbone' | 'onnx-clip';
  /** The frozen image backbone: 'scratch' for a CNN trained from nothing, null for an ONNX CLIP. */
  backbone: string | null;
  createdAt: string;
  /** 'interrupted': its process is gone before it finished (killed); it can be resumed or removed. */
  status: 'training' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  /** The training loss; null for a model not trained here. */
  loss: z.infer<typeof LOSS> | null;
  backend: string;
  config: Record<string, unknown>;
  epochsDone: number;
  /** Validation metrics of the last epoch, when there was a val split. */
  metrics: {
    t2i: RecallMetrics;
    i2t: RecallMetrics;
    knnAccuracy: number | null;
    zeroShotAccuracy: number | null;
  } | null;
  /** True when every live item and caption has an embedding from this model. */
  embedded: boolean;
  /**
   * How much of the lab the model covers: live items with an image embedding from it (`images` of `items`) and
   * captions of live items with one (`captions` of `liveCaptions`). Items imported or changed since it embedded
   * the lab are not covered until an embed job has run.
   */
  coverage: { images: number; items: number; captions: number; liveCaptions: number };
  /** Stored embeddings of live and missing items alike. */
  embeddings: { image: number; caption: number };
  /** Settings of the run, from its configuration. */
  epochs: number;
  dim: number;
  imageSize: number;
  /** Triplet negatives mining, for the triplet loss. */
  mining: 'all' | 'hardest' | 'semihard' | null;
  /** Why a failed run failed. */
  error: string | null;
}

export interface SearchHit {
  itemId: number;
  path: string;
  /** Cosine similarity in the model's joint space (higher is closer). */
  score: number;
  label: string | null;
  /** The matching caption: the caption found, for image→text; the caption whose words matched, for a keyword match. */
  caption?: string;
  /**
   * Text queries: the hit's rank (from 1) among the caption keyword matches, null when none of its captions has a
   * word of the query (or in 'embedding' mode).
   */
  keywordRank?: number | null;
  /** Text queries: the words of `caption` (as written in it) that match words of the query, to highlight. */
  matched?: string[];
}

export interface Neighbour {
  itemId: number;
  path: string;
  distance: number;
  label: string;
  /** The item's first caption. */
  caption: string | null;
}

/** What the renderer calls: parameters as the caller writes them (defaults may be left out). */
export type NearlabApi = { [M in MethodName]: (p: Params<M>) => Promise<Results[M]> };

/** What core implements: parameters after validation, defaults filled in. */
export type ApiHandlers = { [M in MethodName]: (p: ParsedParams<M>) => Promise<Results[M]> };

export type ApiEvent = { type: 'job'; job: JobState } | { type: 'lab-changed' };

/** Media served by custom protocol (Electron) or HTTP path (browser mode): thumbnails and original files. */
export type MediaKind = 'thumb' | 'file';

export interface ApiErrorBody {
  kind: string;
  message: string;
}

export function isMethod(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(params, name);
}

/**
 * What the Electron preload exposes as `window.nearlab` (contextBridge). The renderer checks for it
 * and otherwise talks HTTP to `nearlab serve`. Media in Electron come from the `nearlab-media:`
 * protocol: `nearlab-media://thumb/<itemId>` and `nearlab-media://file/<itemId>`.
 */
export interface NearlabBridge {
  call(
    method: MethodName,
    params: unknown,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiErrorBody }>;
  subscribe(listener: (e: ApiEvent) => void): () => void;
}

export const MEDIA_SCHEME = 'nearlab-media';
