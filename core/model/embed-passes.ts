import { pruneEmbeddings } from '../store/embeddings.ts';
import type { Lab } from '../store/lab.ts';
import type { EmbedModelResult } from './embed-incremental.ts';

/** One model's embed run: passes over the lab's rows without an embedding from it (`all`: every row). */
export interface EmbedPasses {
  readonly cancelled: boolean;
  /** Embeddings written so far. */
  readonly stored: { images: number; captions: number };
  pass(all: boolean): Promise<{ found: number; stored: number }>;
  close(): void | Promise<void>;
}

/**
 * Drives an embed run to its end, whatever the kind of model: with `all`, one pass over every row, then the
 * vectors of rows no longer live are dropped; then passes over new and changed rows until one finds none (or
 * writes none: rows changing faster than they are embedded), or the run is cancelled. The job is closed after.
 */
export async function runEmbedPasses(
  lab: Lab,
  modelId: number,
  job: EmbedPasses,
  all: boolean | undefined,
): Promise<EmbedModelResult> {
  const started = performance.now();
  try {
    if (all) {
      await job.pass(true);
      if (!job.cancelled) pruneEmbeddings(lab.db, modelId);
    }
    while (!job.cancelled) {
      const r = await job.pass(false);
      if (r.found === 0 || r.stored === 0) break;
    }
  } finally {
    await job.close();
  }
  return {
    modelId,
    status: job.cancelled ? 'cancelled' : 'done',
    images: job.stored.images,
    captions: job.stored.captions,
    seconds: (performance.now() - started) / 1000,
  };
}
