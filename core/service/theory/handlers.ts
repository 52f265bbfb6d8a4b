import type { Lab } from '../../store/lab.ts';
import { createRng, deriveSeed, shuffleInPlace } from '../../util/random.ts';
import type { ApiHandlers, MethodName, ParsedParams, Results } from '../../api/contract.ts';
import { ApiError } from '../../api/rpc.ts';
import { labeledItemSample, liveItemSplits } from '../../store/items.ts';
import { pixelMatrix } from './data.ts';
import { TheoryPool, TheoryTaskError, TheoryWorkerError, TheoryWorkerStartError } from './pool.ts';
import {
  boxOf,
  estimateWork,
  INLINE_WORK,
  MAX_WORK,
  runTask,
  type TaskInput,
  type TaskOutput,
  type YourDataMatrix,
} from './tasks.ts';

/** A labeled matrix of the lab's images: raw pixels or a model's embeddings. */
export interface LabeledMatrix {
  data: Float32Array;
  rows: number;
  dim: number;
  itemIds: number[];
  labels: (string | null)[];
}

/** Where a Theory-lab task runs: 'auto' sends heavy ones to a worker thread. */
export type TheoryWorkerPolicy = 'auto' | 'always' | 'never';

const INPUT_ERRORS = new Set(['TheoryInputError', 'NotPositiveSemidefiniteError']);

const TOO_BIG_HINT: Partial<Record<TaskInput['method'], string>> = {
  theoryRegions: 'fewer points or a coarser grid',
  theoryErrorCurve: 'fewer points',
  theoryCoverHart: 'fewer or smaller training sizes, fewer repeats or fewer test points',
  theoryConcentration: 'fewer or smaller dimensions, fewer points or fewer queries',
  theoryNoiseDims: 'fewer noise dimensions, fewer points or fewer repeats',
  yourDataProjection: 'fewer images or a smaller pixel size',
};

/** The Theory lab's part of the API. */
export type TheoryApi = Pick<ApiHandlers, (TaskInput['method'] & MethodName) | 'theoryYourData'>;

/** The newest trained model's image embeddings of up to `limit` labeled live items, or null without a model. */
export type EmbeddingSource = (limit: number) => Promise<LabeledMatrix | null>;

/**
 * The Theory lab's API methods (see theory-contract.ts) over one lab: nine run a task on a worker pool or inline,
 * and "Your data" reads the lab's labeled images (pixels, and a model's embeddings from `embeddings`).
 */
export class TheoryService {
  readonly handlers: TheoryApi;
  private pool: TheoryPool | null = null;

  constructor(
    private readonly lab: Lab,
    private readonly embeddings: EmbeddingSource,
    /** Where tasks run; tests pin 'always' or 'never'. */
    private readonly workers: TheoryWorkerPolicy = 'auto',
  ) {
    // A method whose task is its own parameters; TaskInput pairs each method with them (TS cannot follow M).
    const task =
      <M extends TaskInput['method'] & MethodName>(method: M) =>
      (params: ParsedParams<M>) =>
        this.run({ method, params } as TaskInput) as Promise<unknown> as Promise<Results[M]>;
    this.handlers = {
      theoryDataset: task('theoryDataset'),
      theoryRegions: task('theoryRegions'),
      theoryPosterior: task('theoryPosterior'),
      theoryErrorCurve: task('theoryErrorCurve'),
      theoryKde: task('theoryKde'),
      theoryCoverHart: task('theoryCoverHart'),
      theoryCurseCurves: task('theoryCurseCurves'),
      theoryConcentration: task('theoryConcentration'),
      theoryNoiseDims: task('theoryNoiseDims'),
      theoryYourData: (p) => this.yourData(p),
    };
  }

  /** Stops the worker threads (they also exit on their own after a while idle). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  private async yourData(p: ParsedParams<'theoryYourData'>): Promise<Results['theoryYourData']> {
    const notes: string[] = [];
    const embeddings = await this.embeddings(p.limit);
    let items: { itemId: number; label: string; row: number; split: 'train' | 'val' | 'test' }[];
    if (embeddings) {
      const splits = liveItemSplits(this.lab.db, embeddings.itemIds);
      items = [];
      embeddings.itemIds.forEach((itemId, row) => {
        const label = embeddings.labels[row];
        const split = splits.get(itemId);
        if (label !== null && split) items.push({ itemId, label, row, split });
      });
    } else {
      items = labeledItemSample(this.lab.db, p.limit).map((it, row) => ({ ...it, row }));
      notes.push(
        'No trained model yet, so only raw pixels are shown. Train a model to see its learned embedding beside them.',
      );
    }

    // Keep the most frequent classes; their order (by size, then name) fixes the class indices.
    const sizes = new Map<string, number>();
    for (const it of items) sizes.set(it.label, (sizes.get(it.label) ?? 0) + 1);
    const classNames = [...sizes.keys()]
      .sort((a, b) => sizes.get(b)! - sizes.get(a)! || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, p.maxClasses);
    const classOf = new Map(classNames.map((name, c) => [name, c]));
    const kept = items.filter((it) => classOf.has(it.label));
    const leftOut = items.length - kept.length;
    if (kept.length < 10 || classNames.length < 2) {
      throw new ApiError(
        'conflict',
        `Decision regions need at least 10 labelled images in 2 or more classes; this lab has ${kept.length} in ${classNames.length}. Import images with labels (a labels file or one folder per class).`,
      );
    }

    const pixels = pixelMatrix(
      this.lab.db,
      kept.map((it) => it.itemId),
      p.pixelSize,
    );
    const missing = new Set(pixels.missing);
    const rows = kept.map((it, i) => ({ ...it, pixelRow: i })).filter((it) => !missing.has(it.itemId));
    if (missing.size > 0) notes.push(`${missing.size} images without stored pixels were left out.`);

    let isTest = rows.map((it) => it.split !== 'train');
    const nTest = isTest.filter(Boolean).length;
    if (nTest === 0 || nTest === rows.length) {
      // The lab has no usable held-out split: hold out a fixed random 30 %.
      const order = Int32Array.from(rows, (_, i) => i);
      shuffleInPlace(order, createRng(deriveSeed(p.seed, 0x5911)));
      const held = new Set(order.subarray(0, Math.max(1, Math.round(0.3 * rows.length))));
      isTest = rows.map((_, i) => held.has(i));
      notes.push('The lab has no train / held-out split here, so 30 % of these images were held out at random.');
    }

    const matrices: YourDataMatrix[] = [];
    if (embeddings) {
      const d = embeddings.dim;
      const data = new Float32Array(rows.length * d);
      rows.forEach((it, i) => data.set(embeddings.data.subarray(it.row * d, (it.row + 1) * d), i * d));
      matrices.push({ kind: 'embedding', title: 'Learned embedding', data, dim: d });
    }
    const pd = p.pixelSize * p.pixelSize * 3;
    const pixelData = new Float32Array(rows.length * pd);
    rows.forEach((it, i) => pixelData.set(pixels.data.subarray(it.pixelRow * pd, (it.pixelRow + 1) * pd), i * pd));
    matrices.push({
      kind: 'pixels',
      title: `Raw pixels (${p.pixelSize}×${p.pixelSize} RGB)`,
      data: pixelData,
      dim: pd,
    });

    const projection = await this.run(
      {
        method: 'yourDataProjection',
        params: {
          matrices,
          labels: Int32Array.from(rows, (it) => classOf.get(it.label)!),
          numClasses: classNames.length,
          isTest: Uint8Array.from(isTest, (t) => (t ? 1 : 0)),
          kMax: p.kMax,
          seed: p.seed,
        },
      },
      matrices.map((m) => m.data.buffer as ArrayBuffer),
    );
    return {
      note: notes.length > 0 ? notes.join(' ') : null,
      classNames,
      itemIds: rows.map((it) => it.itemId),
      isTest,
      leftOut,
      spaces: projection.spaces.map((s) => ({ ...s, box: boxOf(s.data) })),
    };
  }

  /** Runs a task inline when cheap, in a worker when heavy; refuses monsters; maps core errors to API errors. */
  private async run<I extends TaskInput>(input: I, transfer: ArrayBuffer[] = []): Promise<TaskOutput<I>> {
    const work = estimateWork(input);
    if (work > MAX_WORK) {
      throw new ApiError(
        'bad-request',
        `This request needs about ${work.toExponential(1)} distance computations (the limit is ${MAX_WORK.toExponential(0)}): use ${TOO_BIG_HINT[input.method] ?? 'smaller sizes'}.`,
      );
    }
    const useWorker = this.workers === 'always' || (this.workers === 'auto' && work > INLINE_WORK);
    try {
      if (useWorker) {
        this.pool ??= new TheoryPool();
        try {
          return await this.pool.run(input, transfer);
        } catch (e) {
          if (!(e instanceof TheoryWorkerStartError) || this.workers === 'always') throw e;
          // No worker (e.g. a packaging problem): compute here rather than fail the view.
          console.warn(`nearlab: ${e.message}; running ${input.method} on the main thread`);
        }
      }
      return runTask(input);
    } catch (e) {
      const name = e instanceof TheoryTaskError ? e.originalName : (e as Error).name;
      if (INPUT_ERRORS.has(name)) throw new ApiError('bad-request', (e as Error).message);
      if (e instanceof TheoryWorkerError || e instanceof TheoryTaskError) throw new ApiError('failed', e.message);
      throw e;
    }
  }
}
