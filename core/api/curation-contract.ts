/**
 * API methods of the curation lab (issue 13) and folder watching (issue 14): merged into contract.ts's `params`
 * and `Results`. Everything works on a model's stored embeddings (modelId defaults to the newest model with
 * image embeddings; a 'backbone' model is a frozen backbone's features); distances are cosine distances
 * (1 − cosine similarity) in the model's space.
 */
import { z } from 'zod';
import type { RecallMetrics, SearchHit } from './contract.ts';
import type { Split } from './types.ts';

const id = z.number().int().positive();
const split = z.enum(['train', 'val', 'test']);
const ids = z.array(id).min(1).max(100_000);

export const curationParams = {
  /**
   * Labeled items ranked by how much their neighbours disagree with their label: leave-one-out k-NN
   * p(y = label | x) among the other labeled items (all splits), most suspicious first. Items whose label a user
   * confirmed (confirmLabels) are left out unless `includeConfirmed`, for as long as their label stays the one
   * confirmed.
   */
  suspects: z
    .object({
      modelId: id.optional(),
      k: z.number().int().min(1).max(200).default(10),
      limit: z.number().int().min(1).max(10_000).default(100),
      /** Only items of this split are ranked (their neighbours come from every split). */
      split: split.optional(),
      includeConfirmed: z.boolean().default(false),
    })
    .strict(),
  /** "This label is right" (or, with confirmed false, take that back): stored with the label it confirms. */
  confirmLabels: z.object({ ids, confirmed: z.boolean().default(true) }).strict(),

  /**
   * Groups of near-duplicate live images: images linked when their distance is at most the threshold (groups are
   * the connected parts), plus exact duplicates (the same file content under several names). The threshold is the
   * one given, else the one fitted on the user's pair marks (markPair), else a default from the distribution of
   * nearest-neighbour distances. Groups every member of which was kept (reviewDuplicates) are left out unless
   * `includeReviewed`.
   */
  duplicates: z
    .object({
      modelId: id.optional(),
      threshold: z.number().min(0).max(2).optional(),
      limit: z.number().int().min(1).max(10_000).default(200),
      includeReviewed: z.boolean().default(false),
    })
    .strict(),
  /** A user's verdict on two images: the same picture or not (same null clears it). Kept by image content. */
  markPair: z.object({ a: id, b: id, same: z.boolean().nullable() }).strict(),
  /**
   * Decisions on a duplicate group: `keep` items stay (the group drops out once all its members are kept), `hide`
   * items leave the lab (as removeItems does, kept in their history) and later imports skip their files until
   * they are shown again (unhideFiles). Files on disk are never touched. One transaction.
   */
  reviewDuplicates: z
    .object({ keep: z.array(id).max(100_000).default([]), hide: z.array(id).max(100_000).default([]) })
    .strict(),
  /** Undo keep: these items' images are no longer kept, so their groups are listed again. One transaction. */
  unkeepDuplicates: z.object({ ids }).strict(),
  hiddenFiles: z.object({}).strict(),
  /** Forget that these files were hidden: the next import of their folder brings them back. */
  unhideFiles: z.object({ ids }).strict(),

  /**
   * What to label next: unlabeled live items ordered by uncertainty ('margin': smallest margin between the top
   * two classes of the k-NN vote of the labeled items, or of zero-shot when `method` is 'zero-shot'), by
   * diversity ('diverse': farthest-point sampling from the labeled items) or both interleaved ('mixed').
   */
  suggest: z
    .object({
      modelId: id.optional(),
      strategy: z.enum(['margin', 'diverse', 'mixed']).default('mixed'),
      method: z.enum(['knn', 'zero-shot']).default('knn'),
      n: z.number().int().min(1).max(1000).default(20),
      k: z.number().int().min(1).max(200).default(10),
    })
    .strict(),

  /**
   * The score threshold of a text query or of a label's prompt that keeps a chosen precision on the labeled items
   * of a split. Relevant items: those of the label (for `label`, or a text that names a label, alone or in a
   * template such as "a photo of a cat"), else those whose captions contain every word of the text.
   */
  calibrate: z
    .object({
      modelId: id.optional(),
      query: z.union([
        z.object({ text: z.string().min(1).max(2000) }).strict(),
        z.object({ label: z.string().min(1).max(1000) }).strict(),
      ]),
      precision: z.number().min(0.05).max(1).default(0.9),
      split: split.default('val'),
    })
    .strict(),

  /**
   * Two models on the same work: per-class k-NN accuracy and recall, retrieval recall@K, zero-shot accuracy per
   * template set (the best set picked by numbers), and optionally one query side by side.
   */
  compare: z
    .object({
      modelA: id,
      modelB: id,
      split: split.default('val'),
      k: z.number().int().min(1).max(200).default(5),
      query: z
        .object({ text: z.string().min(1).max(2000) })
        .strict()
        .optional(),
      /** Template sets to measure for zero-shot (default: a few built-in sets). Each template holds "{}". */
      templateSets: z
        .array(z.array(z.string().min(1).max(200)).min(1).max(50))
        .min(1)
        .max(20)
        .optional(),
    })
    .strict(),

  /** The items behind one cell of evaluate's confusion matrix (same model, split, K and metric). */
  confusionItems: z
    .object({
      modelId: id.optional(),
      split: split.default('test'),
      k: z.number().int().min(1).max(1000).default(5),
      metric: z.enum(['cosine', 'euclidean', 'sqeuclidean', 'l1']).default('cosine'),
      trueLabel: z.string().min(1).max(1000),
      predicted: z.string().min(1).max(1000),
    })
    .strict(),

  /** Folder watching: new, changed and deleted files of an imported folder are imported while the core runs. */
  watchFolder: z.object({ folder: z.string().min(1).max(4096), watch: z.boolean() }).strict(),
  watchedFolders: z.object({}).strict(),
} as const;

export interface ItemRefSummary {
  item: number;
  path: string;
}

export interface Suspect extends ItemRefSummary {
  label: string;
  /** The class the neighbours vote for (the label itself when they agree). */
  vote: string;
  /** How suspicious: 1 − p(y = label | x), in [0, 1]. */
  score: number;
  /** p(y = label | x) and p(y = vote | x) under the k-NN vote. */
  pLabel: number;
  pVote: number;
  /** With several models embedding the lab: the share of the other models under which the label is outvoted too. */
  agreement: number | null;
  confirmed: boolean;
  neighbours: { itemId: number; path: string; label: string; distance: number }[];
}

export interface DuplicateItem extends ItemRefSummary {
  root: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
  kept: boolean;
}

export interface DuplicateGroup {
  /** Stable while the group's members stay the same: its item ids, sorted, joined by '-'. */
  key: string;
  items: DuplicateItem[];
  /** The largest distance of a link that holds the group together (0 for exact duplicates). */
  distance: number;
  exact: boolean;
}

export interface ThresholdFit {
  threshold: number;
  /** Precision and recall of "distance ≤ threshold means the same" on the marked pairs. */
  precision: number;
  recall: number;
  marks: { same: number; notSame: number };
}

export interface SuggestedItem extends ItemRefSummary {
  /** The class the labeled neighbours (or zero-shot) point to, null when there is none. */
  suggested: string | null;
  /** Higher is more worth labeling, in [0, 1]. */
  score: number;
  /** Margin between the top two classes (null for picks made for diversity alone). */
  margin: number | null;
  probabilities: Record<string, number>;
  reason: 'margin' | 'diverse';
}

export interface PrecisionPoint {
  threshold: number;
  precision: number;
  recall: number;
}

export interface ModelRef {
  id: number;
  name: string;
}

export interface WatchState {
  folder: string;
  since: string;
  /** Imports the watcher ran and the files they added, changed or removed. */
  imports: number;
  changed: number;
  lastImportAt: string | null;
  /** Problems of the latest import (files that could not be read), or the watcher's own error. */
  problems: number;
  error: string | null;
}

export interface CurationResults {
  suspects: {
    modelId: number;
    k: number;
    /** The models the agreement was measured with (modelId first). */
    models: number[];
    labeled: number;
    /** Items left out because a user confirmed their label. */
    confirmed: number;
    suspects: Suspect[];
  };
  confirmLabels: { changed: number };
  duplicates: {
    modelId: number;
    threshold: number;
    thresholdSource: 'given' | 'marks' | 'default';
    /** The fit on the user's marks (null without both kinds of marks). */
    fit: ThresholdFit | null;
    groups: DuplicateGroup[];
    /** Pairs worth marking: unmarked pairs closest to the threshold, on both sides of it. */
    candidates: { a: ItemRefSummary; b: ItemRefSummary; distance: number }[];
    marks: { same: number; notSame: number };
    hidden: number;
  };
  markPair: { marks: { same: number; notSame: number } };
  reviewDuplicates: { kept: number; hidden: number };
  /** Images that had been kept (an item whose image was not kept counts nothing). */
  unkeepDuplicates: { unkept: number };
  hiddenFiles: { files: { id: number; root: string; path: string; reason: string; hiddenAt: string }[] };
  unhideFiles: { unhidden: number };
  suggest: {
    modelId: number;
    strategy: 'margin' | 'diverse' | 'mixed';
    method: 'knn' | 'zero-shot';
    labeled: number;
    unlabeled: number;
    classes: string[];
    items: SuggestedItem[];
  };
  calibrate: {
    modelId: number;
    split: Split;
    /** The lowest score whose results keep the precision asked for; null when no threshold reaches it. */
    threshold: number | null;
    precision: number | null;
    recall: number | null;
    /** Relevant items of the split, and how relevance was decided. */
    relevant: number;
    relevance: 'label' | 'caption-words';
    label: string | null;
    curve: PrecisionPoint[];
  };
  compare: {
    models: [ModelRef, ModelRef];
    split: Split;
    k: number;
    perClass: { label: string; count: number; accuracy: [number, number]; recall: [number | null, number | null] }[];
    knnAccuracy: [number | null, number | null];
    recall: { t2i: [RecallMetrics | null, RecallMetrics | null]; i2t: [RecallMetrics | null, RecallMetrics | null] };
    zeroShot: { templates: string[]; accuracy: [number | null, number | null] }[];
    /** Index into zeroShot of the best set for each model. */
    bestTemplates: [number | null, number | null];
    query: {
      text: string;
      a: SearchHit[];
      b: SearchHit[];
      /** Items in both top lists: rank under A and under B (from 1), null when absent from a list. */
      moved: { itemId: number; path: string; rankA: number | null; rankB: number | null }[];
    } | null;
  };
  confusionItems: {
    items: { itemId: number; path: string; label: string; predicted: string; caption: string | null }[];
  };
  watchFolder: { folders: WatchState[] };
  watchedFolders: { folders: WatchState[] };
}
