import type { ApiEvent, ApiHandlers } from '../api/contract.ts';
import type { Lab } from '../store/lab.ts';
import { itemThumbnail, labeledItemSample } from '../store/items.ts';
import { readEmbeddings } from '../store/embeddings.ts';
import { latestModelId } from '../store/models.ts';
import type { ServiceContext } from './context.ts';
import { calibrateHandlers } from './curation/calibrate.ts';
import { compareHandlers } from './curation/compare.ts';
import { duplicateHandlers } from './curation/duplicates.ts';
import { suspectHandlers } from './curation/suspects.ts';
import { suggestHandlers } from './curation/suggest.ts';
import { embeddingHandlers } from './embedding.ts';
import { featureHandlers } from './features.ts';
import { itemEditHandlers } from './item-edits.ts';
import { JobManager } from './jobs.ts';
import { libraryHandlers } from './library.ts';
import { originalFile } from './media.ts';
import { neighbourHandlers } from './neighbours.ts';
import { onnxModelHandlers } from './onnx-models.ts';
import { createSearchContext, type SearchContextOptions } from './search/context.ts';
import { TheoryService, type LabeledMatrix, type TheoryWorkerPolicy } from './theory/handlers.ts';
import { trainingHandlers } from './training.ts';
import { FolderWatches, watchHandlers } from './watch.ts';

export interface ServiceOptions extends SearchContextOptions {
  /** Where Theory-lab tasks run (default 'auto': heavy ones on worker threads). */
  theoryWorkers?: TheoryWorkerPolicy;
  /** A finished import job queues a features job for the default backbone (default: featuresAfterImport()). */
  featuresAfterImport?: boolean;
  /** A finished import job queues an embed job when models are behind (default true). */
  embedAfterImport?: boolean;
}

/**
 * Core's implementation of the API over one open lab, composed of one handler group per concern. Transports
 * (Electron utility process, HTTP server, CLI, tests) call `api` through `dispatch`, which validates parameters
 * first; media and events are served beside it.
 */
export class NearlabService {
  readonly jobManager: JobManager;
  readonly api: ApiHandlers;
  /** Watched folders (issue 14): hosts that run until stopped resume them and stop them on shutdown. */
  readonly watches: FolderWatches;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly theory: TheoryService;

  constructor(
    readonly lab: Lab,
    options: ServiceOptions = {},
  ) {
    this.jobManager = new JobManager(lab, (job) => this.emit({ type: 'job', job }));
    const ctx: ServiceContext = {
      lab,
      jobs: this.jobManager,
      search: createSearchContext(lab, options),
      emit: (e) => this.emit(e),
    };
    const afterImport = {
      featuresAfterImport: options.featuresAfterImport,
      embedAfterImport: options.embedAfterImport,
    };
    this.watches = new FolderWatches(ctx, afterImport);
    this.theory = new TheoryService(lab, (limit) => latestImageEmbeddings(lab, limit), options.theoryWorkers);
    this.api = {
      ...libraryHandlers(ctx, afterImport),
      ...itemEditHandlers(ctx),
      ...trainingHandlers(ctx),
      ...onnxModelHandlers(ctx),
      ...embeddingHandlers(ctx),
      ...featureHandlers(ctx),
      ...neighbourHandlers(ctx),
      ...this.theory.handlers,
      ...watchHandlers(this.watches),
      ...duplicateHandlers(ctx),
      ...suggestHandlers(ctx),
      ...calibrateHandlers(ctx),
      ...compareHandlers(ctx),
      ...suspectHandlers(ctx),
    };
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: ApiEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Thumbnail bytes of an item, for the media protocol. */
  thumbnail(itemId: number): { mime: string; data: Buffer } | null {
    return itemThumbnail(this.lab.db, itemId);
  }

  /** The original file of an item, confined to its import root. */
  originalFile(itemId: number): Promise<string | null> {
    return originalFile(this.lab.db, itemId);
  }

  /** Stops the Theory lab's worker threads (they also exit on their own after a while idle). */
  closeTheoryWorkers(): Promise<void> {
    return this.theory.close();
  }
}

/**
 * The newest trained model's image embeddings of up to `limit` live labeled items, a seeded random sample of the
 * lab (the Theory lab's order, labeledItemSample: every folder and class has its share, the same lab gives the same
 * sample), or null without a model.
 */
async function latestImageEmbeddings(lab: Lab, limit: number): Promise<LabeledMatrix | null> {
  const id = latestModelId(lab.db);
  if (id === null) return null;
  const emb = readEmbeddings(lab.db, id, 'image');
  if (emb.ids.length === 0) return null;
  const picked = labeledItemSample(lab.db, Number.MAX_SAFE_INTEGER)
    .filter((it) => emb.rowOf.has(it.itemId))
    .slice(0, limit);
  const data = new Float32Array(picked.length * emb.dim);
  picked.forEach((it, i) => {
    const at = emb.rowOf.get(it.itemId)! * emb.dim;
    data.set(emb.data.subarray(at, at + emb.dim), i * emb.dim);
  });
  return {
    data,
    rows: picked.length,
    dim: emb.dim,
    itemIds: picked.map((it) => it.itemId),
    labels: picked.map((it) => it.label),
  };
}
