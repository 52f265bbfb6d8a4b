import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/workers.ts';
import { KnnError } from './errors.ts';
import { HeapSet } from './heap.ts';
import { createOrtKernel, type OrtKernel } from './ort-kernel.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './exact-protocol.ts';
import { asQueryMatrix, toShared, type Matrix } from './matrix.ts';
import type { Metric } from './metrics.ts';
import {
  CANDIDATE_PAD,
  checkK,
  emptyResult,
  mergeExact,
  prepareGallery,
  prepareQueries,
  refine,
  scanModeOf,
  searchPrepared,
  toMask,
  type PreparedGallery,
  type RowFilter,
  type SearchStats,
  type ShardCandidates,
  type TopKResult,
} from './topk.ts';

/** Galleries with fewer values (rows × dim) than this never start ONNX Runtime or workers. */
export const PARALLEL_MIN_GALLERY_VALUES = 1 << 19;
/**
 * A search goes to ONNX Runtime or the workers only when queries × rows × dim reaches this many multiply-adds;
 * below it the calling thread is about as fast (a 100k × 128 single query is 12.8M and goes to them).
 */
export const PARALLEL_MIN_WORK = 4_000_000;

export interface ExactIndexOptions {
  /** Default 'cosine'. */
  metric?: Metric;
  /**
   * Threads of big searches (ONNX Runtime's pool, or gallery-shard workers); 'auto' = min(2, cores) for big
   * galleries, none for small ones.
   */
  threads?: number | 'auto';
  /**
   * Dot-product kernel for big searches: 'auto' = ONNX Runtime when the optional onnxruntime-node loads, else
   * TF.js wasm in shard workers (JS loops if that fails too); or force one. L1 always scans with the JS kernel.
   */
  kernel?: ExactKernel;
}

export type ExactKernel = 'auto' | 'onnx' | 'tfjs' | 'js';

export interface SearchOptions {
  filter?: RowFilter;
  /** 'auto' picks workers by PARALLEL_MIN_WORK; false forces the calling thread. */
  parallel?: 'auto' | boolean;
}

interface ShardWorker {
  worker: Worker;
  kernel: string;
}

/**
 * Exact nearest-neighbour index over a fixed gallery. Big galleries are split into shards, one per worker
 * thread, reading the gallery from a SharedArrayBuffer; results are merged and refined exactly on the
 * calling thread. Call close() when done (idle workers do not keep the process alive).
 */
export class ExactIndex {
  private readonly prep: PreparedGallery;
  private readonly shards: ShardWorker[];
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private closed = false;
  /** How often the big-search kernels needed the exact fallback (a kernel bug shows up here first). */
  readonly stats: SearchStats = { fullScans: 0 };

  private constructor(
    prep: PreparedGallery,
    shards: ShardWorker[],
    private readonly ort: OrtKernel | null = null,
  ) {
    this.prep = prep;
    this.shards = shards;
    for (const s of shards) {
      s.worker.on('message', (msg: WorkerReply) => this.onReply(msg));
      s.worker.on('error', (err) => this.failAll(err));
      s.worker.on('exit', () => this.failAll(new KnnError('a search worker exited')));
      s.worker.unref();
    }
  }

  static async create(gallery: Matrix, options: ExactIndexOptions = {}): Promise<ExactIndex> {
    const prep = prepareGallery(gallery, options.metric ?? 'cosine');
    const threads = resolveThreads(options.threads ?? 'auto', prep.vectors);
    if (threads <= 1) return new ExactIndex(prep, []);
    const kernel = options.kernel ?? 'auto';
    if (scanModeOf(prep.metric) !== 'l1' && (kernel === 'auto' || kernel === 'onnx')) {
      try {
        return new ExactIndex(prep, [], await createOrtKernel(prep, threads));
      } catch (err) {
        if (kernel === 'onnx')
          throw new KnnError(`the ONNX Runtime kernel is unavailable: ${err instanceof Error ? err.message : err}`);
      }
    }
    const shared = toShared(prep.vectors);
    const normsBuf = new SharedArrayBuffer(prep.norms.length * 8);
    new Float64Array(normsBuf).set(prep.norms);
    const sharedPrep: PreparedGallery = { ...prep, vectors: shared, norms: new Float64Array(normsBuf) };
    const mode = scanModeOf(prep.metric);
    const rows = shared.rows;
    const shards = await Promise.all(
      Array.from({ length: threads }, (_, s) => {
        const init: WorkerInit = {
          gallery: shared.data.buffer as SharedArrayBuffer,
          norms: normsBuf,
          dim: shared.dim,
          start: Math.floor((s * rows) / threads),
          end: Math.floor(((s + 1) * rows) / threads),
          mode,
          // ('onnx' reaches here only for L1, which the workers scan with the JS kernel anyway.)
          kernel: kernel === 'onnx' ? 'auto' : kernel,
        };
        return spawnShard(init);
      }),
    );
    return new ExactIndex(sharedPrep, shards);
  }

  get rows(): number {
    return this.prep.vectors.rows;
  }

  get dim(): number {
    return this.prep.inputDim;
  }

  /** Threads of big searches: ONNX Runtime's pool or shard workers (0 = everything runs on the calling thread). */
  get threads(): number {
    return this.ort?.threads ?? this.shards.length;
  }

  /** Kernel of big searches: ['onnxruntime'], or each worker's, e.g. ['tfjs-wasm', 'tfjs-wasm']. */
  get kernels(): string[] {
    return this.ort ? ['onnxruntime'] : this.shards.map((s) => s.kernel);
  }

  /** Exact search on the calling thread. */
  searchSync(queries: Matrix | Float32Array, k: number, options: Omit<SearchOptions, 'parallel'> = {}): TopKResult {
    this.assertOpen();
    return searchPrepared(this.prep, queries, k, toMask(options.filter, this.rows));
  }

  async search(queries: Matrix | Float32Array, k: number, options: SearchOptions = {}): Promise<TopKResult> {
    this.assertOpen();
    checkK(k);
    const mask = toMask(options.filter, this.rows);
    const shape = asQueryMatrix(queries);
    const work = shape.rows * this.rows * shape.dim;
    const parallel = options.parallel ?? 'auto';
    const useWorkers = this.threads > 0 && (parallel === true || (parallel === 'auto' && work >= PARALLEL_MIN_WORK));
    if (!useWorkers) return searchPrepared(this.prep, queries, k, mask);
    const { q, norms } = prepareQueries(this.prep, queries);
    const kk = Math.min(k, this.rows);
    if (kk === 0 || q.rows === 0) return emptyResult(q.rows, kk);
    const isL1 = scanModeOf(this.prep.metric) === 'l1';
    const cap = isL1 ? kk : kk + CANDIDATE_PAD;
    if (this.ort) return refine(this.prep, q, norms, kk, [await this.ort.scan(q, cap, mask)], mask, this.stats);
    const replies = await Promise.all(
      this.shards.map((s) =>
        this.request(s.worker, { type: 'search', id: 0, queries: q.data, qNorms: norms, nq: q.rows, cap, mask }),
      ),
    );
    const parts: ShardCandidates[] = replies.map((r) => {
      if (r.type !== 'result') throw new KnnError('unexpected reply from a search worker');
      return { heaps: new HeapSet(q.rows, r.cap, r), errScale: r.errScale };
    });
    if (isL1)
      return mergeExact(
        q.rows,
        kk,
        parts.map((p) => p.heaps),
      );
    return refine(this.prep, q, norms, kk, parts, mask, this.stats);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ort?.dispose();
    await Promise.all(
      this.shards.map(async (s) => {
        s.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
        await s.worker.terminate();
      }),
    );
    this.failAll(new KnnError('the index was closed'));
  }

  private request(worker: Worker, msg: Extract<WorkerRequest, { type: 'search' }>): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) for (const s of this.shards) s.worker.ref();
      worker.postMessage({ ...msg, id });
    });
  }

  private onReply(msg: WorkerReply): void {
    if (msg.type === 'ready') return;
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) for (const s of this.shards) s.worker.unref();
    if (msg.type === 'error') p.reject(new KnnError(`search worker failed: ${msg.message}`));
    else p.resolve(msg);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new KnnError('this ExactIndex was closed');
  }
}

function resolveThreads(threads: number | 'auto', vectors: Matrix): number {
  if (threads !== 'auto') {
    if (!Number.isInteger(threads) || threads < 0)
      throw new KnnError(`threads must be a non-negative integer or 'auto', got ${threads}`);
    return Math.min(threads, Math.max(1, vectors.rows));
  }
  if (vectors.rows * vectors.dim < PARALLEL_MIN_GALLERY_VALUES) return 0;
  return Math.min(2, availableParallelism());
}

function spawnShard(init: WorkerInit): Promise<ShardWorker> {
  const worker = startWorker(new URL('./exact.worker.ts', import.meta.url), init);
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new KnnError(`search worker failed to start: ${err.message}`));
    worker.once('error', onError);
    worker.once('message', (msg: WorkerReply) => {
      worker.off('error', onError);
      if (msg.type === 'ready') resolve({ worker, kernel: msg.kernel });
      else reject(new KnnError('search worker sent an unexpected first message'));
    });
  });
}

/** One-off exact search that uses worker threads when the batch is big enough to pay for them. */
export async function topKParallel(
  queries: Matrix,
  gallery: Matrix,
  k: number,
  options: ExactIndexOptions & SearchOptions = {},
): Promise<TopKResult> {
  const work = queries.rows * gallery.rows * gallery.dim;
  const threads = options.threads ?? (work >= PARALLEL_MIN_WORK * 8 ? 'auto' : 0);
  const index = await ExactIndex.create(gallery, { ...options, threads });
  try {
    return await index.search(queries, k, options);
  } finally {
    await index.close();
  }
}
