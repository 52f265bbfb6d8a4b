import type { Progress } from '../../api/types.ts';
import { RateMeter } from '../../data/progress.ts';
import {
  countImagesWithoutFeatures,
  featureCoverage,
  imagesWithoutFeatures,
  recordFeatureFailure,
  saveFeatures,
  type FeatureCoverage,
  type FeatureRow,
  type ImageToFeature,
} from '../../store/features.ts';
import type { Lab } from '../../store/lab.ts';
import { imagePixelsReader } from '../../store/pixels.ts';
import { UserError } from '../../util/user-error.ts';
import type { BackboneInfo } from '../backbones/index.ts';
import { labBackboneLookup, loadLabBackbone, onnxBackboneModel } from '../backbones/lab-backbones.ts';
import { embedBackboneModel } from '../backbone-embed.ts';
import { ensureBackboneModel } from '../backbone-model.ts';
import { backboneInput } from '../backbones/preprocess.ts';
import { startRunners, type BatchRunner } from './runner.ts';

export interface ExtractOptions {
  /** Views per image: 1 = the whole image (view 0); 2 adds its horizontal flip (view 1). Default 1. */
  views?: number;
  /** Images per batch: the one fixed shape the backbone runs on. Default 8. */
  batchSize?: number;
  /** Worker threads, one wasm thread each (0 = this thread). Default 2, fewer for less than a batch each. */
  threads?: number;
  /** Stops after the batches in flight, which are written; what is written stays. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface ExtractResult {
  backbone: string;
  status: 'done' | 'cancelled';
  /** Images whose features were written by this run. */
  computed: number;
  /** Of those, images read from the stored pixels (original file gone, changed or unreadable). */
  fromPixels: number;
  /** Images recorded as failed by this run (neither the file nor stored pixels usable). */
  failed: number;
  seconds: number;
  coverage: FeatureCoverage;
}

export const DEFAULT_FEATURE_BATCH = 8;
export const MAX_VIEWS = 2;

/** A views count the job cannot compute. */
export class FeatureViewsError extends UserError {
  override readonly name = 'FeatureViewsError';
  constructor(views: number) {
    super(`--views ${views}: choose 1 (the whole image) or 2 (also its horizontal flip)`);
  }
}

/**
 * Computes `backbone`'s features for the live images that have none yet (for every wanted view), in image id
 * order, on fixed-shape batches spread over worker threads; each batch is written in one transaction, so a killed
 * run loses at most the batches in flight and the next run goes on from there. An image that neither its file nor
 * its stored pixels can give an input for is recorded in feature_failures and skipped, now and in later runs. With
 * nothing to do it returns at once, starting no worker.
 */
export async function extractFeatures(
  lab: Lab,
  backbone: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const started = performance.now();
  const info = labBackboneLookup(lab.db)(backbone);
  // A user's CLIP runs in this thread on onnxruntime (its own threads); the registry's on worker threads.
  const ownClip = onnxBackboneModel(backbone) !== null;
  const views = options.views ?? 1;
  if (!Number.isInteger(views) || views < 1 || views > MAX_VIEWS) throw new FeatureViewsError(views);
  const batch = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_FEATURE_BATCH));
  const total = countImagesWithoutFeatures(lab.db, backbone, views);
  const job = new FeatureJob(lab, info, { ...options, views, batchSize: batch }, total);
  if (total > 0 && !options.signal?.aborted) {
    const threads = Math.min(options.threads ?? 2, Math.ceil(total / batch));
    const runners = await startRunners(
      threads,
      { backbone, batch },
      ownClip ? (n) => loadLabBackbone(lab, n) : undefined,
    );
    try {
      await job.run(runners);
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
  }
  // Features exist: "backbone features" is a model of its own (made once), its embeddings a copy of them. A
  // user's CLIP is a model already.
  const coverage = featureCoverage(lab.db, backbone);
  if (coverage.done > 0 && !ownClip && !options.signal?.aborted) {
    const modelId = ensureBackboneModel(lab, backbone);
    if (modelId !== null) await embedBackboneModel(lab, modelId, { signal: options.signal });
  }
  return {
    backbone,
    status: options.signal?.aborted && job.remaining() > 0 ? 'cancelled' : 'done',
    computed: job.computed,
    fromPixels: job.fromPixels,
    failed: job.failed,
    seconds: (performance.now() - started) / 1000,
    coverage,
  };
}

/** A batch ready to run: its images (the first n rows of rgb; the rest is padding) and where each came from. */
interface Prepared {
  images: ImageToFeature[];
  rgb: Uint8Array;
  fromPixels: number;
}

/** One extractFeatures run: paging, preprocessing, the batches in flight, counts and progress. */
class FeatureJob {
  computed = 0;
  fromPixels = 0;
  failed = 0;
  private readonly pixels: (imageId: number) => Buffer | null;
  // Batches end in pairs (one per worker), seconds apart for a slow backbone: a long window smooths the rate.
  private readonly meter = new RateMeter(20_000);
  private after = 0;

  constructor(
    private readonly lab: Lab,
    private readonly info: BackboneInfo,
    private readonly options: Required<Pick<ExtractOptions, 'views' | 'batchSize'>> & ExtractOptions,
    private readonly total: number,
  ) {
    this.pixels = imagePixelsReader(lab.db);
  }

  remaining(): number {
    return countImagesWithoutFeatures(this.lab.db, this.info.name, this.options.views);
  }

  /** Preprocesses the next batch while the runners work on earlier ones; at most one batch per runner in flight. */
  async run(runners: BatchRunner[]): Promise<void> {
    const idle = [...runners];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    this.report();
    while (!this.options.signal?.aborted && failure === null) {
      const prepared = await this.prepareNext();
      if (prepared === null) break;
      if (prepared.images.length === 0) continue;
      while (idle.length === 0 && failure === null) await Promise.race(inFlight);
      if (failure !== null) break;
      const runner = idle.pop()!;
      const p: Promise<void> = runner
        .run(prepared.rgb, this.options.views)
        .then((features) => this.save(prepared, features))
        .catch((e: unknown) => {
          failure ??= e;
        })
        .finally(() => {
          inFlight.delete(p);
          idle.push(runner);
        });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    if (failure !== null) throw failure;
  }

  /** The next page of images as one padded batch (failures recorded), or null when none is left. */
  private async prepareNext(): Promise<Prepared | null> {
    const { batchSize, views } = this.options;
    const page = imagesWithoutFeatures(this.lab.db, this.info.name, { after: this.after, limit: batchSize, views });
    if (page.length === 0) return null;
    this.after = page[page.length - 1].imageId;
    const s = this.info.inputSize;
    const rgb = new Uint8Array(batchSize * s * s * 3);
    const images: ImageToFeature[] = [];
    let fromPixels = 0;
    const inputs = await Promise.allSettled(page.map((img) => backboneInput(img, s, () => this.storedPixels(img))));
    inputs.forEach((r, i) => {
      if (r.status === 'rejected') {
        recordFeatureFailure(this.lab.db, this.info.name, page[i].imageId, (r.reason as Error).message);
        this.failed++;
        return;
      }
      rgb.set(r.value.rgb, images.length * s * s * 3);
      images.push(page[i]);
      if (r.value.from === 'pixels') fromPixels++;
    });
    if (images.length === 0) this.report();
    return { images, rgb, fromPixels };
  }

  private storedPixels(img: ImageToFeature): { data: Buffer; size: number } | null {
    const data = this.pixels(img.imageId);
    return data === null ? null : { data, size: Math.round(Math.sqrt(data.length / 3)) };
  }

  /** Writes one batch's features (every view) in one transaction. */
  private save(prepared: Prepared, features: Float32Array): void {
    const { batchSize, views } = this.options;
    const dim = this.info.featureDim;
    if (features.length !== views * batchSize * dim) {
      throw new Error(`backbone ${this.info.name} gave ${features.length} values for ${views}×${batchSize}×${dim}`);
    }
    const rows: FeatureRow[] = [];
    prepared.images.forEach((img, i) => {
      for (let v = 0; v < views; v++) {
        const at = (v * batchSize + i) * dim;
        rows.push({ imageId: img.imageId, view: v, vector: features.subarray(at, at + dim) });
      }
    });
    saveFeatures(this.lab.db, this.info.name, rows);
    this.computed += prepared.images.length;
    this.fromPixels += prepared.fromPixels;
    this.report();
  }

  private report(): void {
    const done = this.computed + this.failed;
    const p = this.meter.measure('features', done, Math.max(this.total, done));
    this.options.onProgress?.({ ...p, detail: { backbone: this.info.name, failed: this.failed } });
  }
}
