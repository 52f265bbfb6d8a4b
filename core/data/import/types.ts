import type { Progress, Split } from '../../api/types.ts';
import type { Problem } from '../annotations.ts';

export interface ImportOptions {
  /** A captions table (.csv/.tsv/.jsonl); default: captions.{csv,tsv,jsonl} in the folder, if present. */
  captionsFile?: string;
  /** A labels table; default: labels.{csv,tsv,jsonl} in the folder, if present. */
  labelsFile?: string;
  captionFromFilename?: boolean;
  labelFromFolder?: boolean;
  /** How label values are read: category names (default) or numbers for regression. */
  labelType?: 'category' | 'number';
  /** Put every new item in this split; otherwise a deterministic hash holdout. */
  split?: Split;
  /** Fraction of new items for val, and the same fraction for test (default 0.1). */
  holdout?: number;
  maxPixels?: number;
  /** Images read and decoded at once (default: twice the cores, at least 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface ImportSummary {
  runId: number;
  root: string;
  status: 'done' | 'cancelled';
  /** Image files found. */
  found: number;
  /** New items decoded and stored. */
  added: number;
  /** Files whose content changed (their captions, labels and split stay). */
  updated: number;
  /** New items whose content was already in the lab under another name (stored once). */
  duplicates: number;
  /** Image files found that a user hid from the lab (nearlab duplicates --hide): skipped until unhidden. */
  hidden: number;
  unchanged: number;
  missing: number;
  captionsAdded: number;
  captionsRemoved: number;
  labelsSet: number;
  labelsRemoved: number;
  errors: number;
  warnings: number;
  /** Image files found that are not in the lab (unsupported format, damaged, unreadable, …), by reason, most first. */
  skipped: { reason: string; files: number }[];
  /**
   * What went wrong with the import as a whole, for the user to see first: no images in the folder,
   * a table naming files relative to a sub-folder. Each is also a warning in `problems`.
   */
  notices: string[];
  problems: Problem[];
  seconds: number;
}
