/** Result types shared by the contract and the layers that produce them (types only, no runtime code). */

/** Progress of a long job, as pushed to the UI and printed by the CLI. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
  /** Items per second over the recent window. */
  rate: number;
  /** Seconds left at the current rate, or null while unknown. */
  etaSeconds: number | null;
  /** Job-specific facts for the UI (e.g. a training run's model id, epoch and loss). */
  detail?: Record<string, string | number | null>;
}

/** Counts of everything in a lab (the `info` method). */
export interface LabInfo {
  /** Live items: image files present in their folder and imported. */
  items: number;
  /** Distinct image contents among them (identical files are stored once). */
  images: number;
  captions: number;
  /** Category label name → number of items. */
  labels: Record<string, number>;
  /** Items with a numeric (regression) label. */
  numericLabels: number;
  unlabeled: number;
  splits: Record<'train' | 'val' | 'test', number>;
  /** Errors reported by the latest import of each folder. */
  errors: number;
  warnings: number;
  /** Files that were imported once and are gone from their folder. */
  missing: number;
  roots: { path: string; items: number; lastImport: string | null; lastStatus: string | null }[];
  /**
   * Per backbone with stored features (or failures): distinct live images, those with features (view 0), those
   * it failed on.
   */
  features: Record<string, { images: number; done: number; failed: number }>;
}

/** Which part of the data an item serves: training, validation while training, or the final test. */
export type Split = 'train' | 'val' | 'test';
