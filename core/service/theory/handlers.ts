import type { Lab } from '../../store/lab.ts';
import { createRng, deriveSeed, shuffleInPlace } from '../../theory/index.ts';
import type { ParsedParams, Results } from '../../api/contract.ts';
import { ApiError } from '../../api/rpc.ts';
import { itemSplits, labeledItems, pixelMatrix } from './data.ts';
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

/**
 * Handlers of the Theory lab's API methods (see theory-contract.ts). NearlabService extends this
 * class; the theory code needs only the lab and the newest model's image embeddings.
 */
export abstract class TheoryHandlers {
  protected abstract readonly lab: Lab;

  /** The newest trained model's image embeddings of up to `limit` labeled live items, or null without a model. */
  protected abstract latestImageEmbeddings(limit: number): Promise<LabeledMatrix | null>;

  /** Tests set 'always' or 'never' to pin where tasks run. */
  theoryWorkers: TheoryWorkerPolicy = 'auto';
  private theoryPool: TheoryPool | null = null;

  /** Stops the theory worker threads (they also exit on their own after a while idle). */
  async closeTheoryWorkers(): Promise<void> {
    const pool = this.theoryPool;
    this.theoryPool = null;
    await pool?.close();
  }

  async theoryDataset(p: ParsedParams<'theoryDataset'>): Promise<Results['theoryDataset']> {
    return this.theoryRun({ method: 'theoryDataset', params: p });
  }

  async theoryRegions(p: ParsedParams<'theoryRegions'>): Promise<Results['theoryRegions']> {
    return this.theoryRun({ method: 'theoryRegions', params: p });
  }

  async theoryPosterior(p: ParsedParams<'theoryPosterior'>): Promise<Results['theoryPosterior']> {
    return this.theoryRun({ method: 'theoryPosterior', params: p });
  }

  async theoryErrorCurve(p: ParsedParams<'theoryErrorCurve'>): Promise<Results['theoryErrorCurve']> {
    return this.theoryRun({ method: 'theoryErrorCurve', params: p });
  }

  async theoryKde(p: ParsedParams<'theoryKde'>): Promise<Results['theoryKde']> {
    return this.theoryRun({ method: 'theoryKde', params: p });
  }

  async theoryCoverHart(p: ParsedParams<'theoryCoverHart'>): Promise<Results['theoryCoverHart']> {
    return this.theoryRun({ method: 'theoryCoverHart', params: p });
  }

  async theoryCurseCurves(p: ParsedParams<'theoryCurseCurves'>): Promise<Results['theoryCurseCurves']> {
    return this.theoryRun({ method: 'theoryCurseCurves', params: p });
  }

  async theoryConcentration(p: ParsedParams<'theoryConcentration'>): Promise<Results['theoryConcentration']> {
    return this.theoryRun({ method: 'theoryConcentration', params: p });
  }

  async theoryNoiseDims(p: ParsedParams<'theoryNoiseDims'>): Promise<Results['theoryNoiseDims']> {
    return this.theoryRun({ method: 'theoryNoiseDims', params: p });
  }

  async theoryYourData(p: ParsedParams<'theoryYourData'>): Promise<Results['theoryYourData']> {
    const notes: string[] = [];
    const embeddings = await this.latestImageEmbeddings(p.limit);
    let items: { itemId: number; label: string; row: number; split: 'train' | 'val' | 'test' }[];
    if (embeddings) {
      const splits = itemSplits(this.lab.db, embeddings.itemIds);
      items = [];
      embeddings.itemIds.forEach((itemId, row) => {
        const label = embeddings.labels[row];
        const split = splits.get(itemId);
        if (label !== null && split) items.push({ itemId, label, row, split });
      });
    } else {
      items = labeledItems(this.lab.db, p.limit).map((it, row) => ({ ...it, row }));
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

    const projection = await this.theoryRun(
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
  private async theoryRun<I extends TaskInput>(input: I, transfer: ArrayBuffer[] = []): Promise<TaskOutput<I>> {
    const work = estimateWork(input);
    if (work > MAX_WORK) {
      throw new ApiError(
        'bad-request',
        `This request needs about ${work.toExponential(1)} distance computations (the limit is ${MAX_WORK.toExponential(0)}): use ${TOO_BIG_HINT[input.method] ?? 'smaller sizes'}.`,
      );
    }
    const useWorker = this.theoryWorkers === 'always' || (this.theoryWorkers === 'auto' && work > INLINE_WORK);
    try {
      if (useWorker) {
        this.theoryPool ??= new TheoryPool();
        try {
          return await this.theoryPool.run(input, transfer);
        } catch (e) {
          if (!(e instanceof TheoryWorkerStartError) || this.theoryWorkers === 'always') throw e;
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
