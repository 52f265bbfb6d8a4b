import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../util/workers.ts';
import { flipHorizontal } from '../backbones/preprocess.ts';
import { BackboneLoadError, loadBackbone, type Backbone, type BackboneRuntime } from '../backbones/index.ts';

/**
 * Runs a backbone on fixed-shape batches: in a worker thread (one wasm thread each, so two runners use both cores)
 * or in this thread. Each runner loads the backbone once and warms it on one batch of the fixed shape, so every
 * later batch reuses the same kernels and buffers.
 */
export interface BatchRunner {
  /**
   * Features of `batch` images (batch × s × s × 3 bytes, rows past the real ones padded): views × batch ×
   * featureDim values, view 1 computed on the horizontally flipped images.
   */
  run(rgb: Uint8Array, views: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface RunnerInit {
  backbone: string;
  batch: number;
  /** The runtime of a registry backbone (default: see backbones/runtime.ts). */
  runtime?: BackboneRuntime;
}

export type RunnerRequest = { id: number; rgb: Uint8Array; views: number };
export type RunnerReply =
  | { id: number; ok: true; features: Float32Array }
  | { id: number; ok: false; error: string; userError?: boolean }
  | { id: 0; ok: true; ready: true };

/** The features of every view of one batch, on a loaded backbone. */
export async function runViews(
  backbone: Backbone,
  rgb: Uint8Array,
  batch: number,
  views: number,
): Promise<Float32Array> {
  const dim = backbone.featureDim;
  const out = new Float32Array(views * batch * dim);
  out.set(await backbone.run(rgb, batch), 0);
  if (views > 1) out.set(await backbone.run(flipHorizontal(rgb, batch, backbone.inputSize), batch), batch * dim);
  return out;
}

/** Loads the backbone and runs one all-zero batch of the fixed shape (kernels compiled, buffers allocated). */
export async function warmBackbone(
  init: RunnerInit,
  load: (name: string) => Promise<Backbone> = (name) => loadBackbone(name, { runtime: init.runtime }),
): Promise<Backbone> {
  const backbone = await load(init.backbone);
  const s = backbone.inputSize;
  await backbone.run(new Uint8Array(init.batch * s * s * 3), init.batch);
  return backbone;
}

class LocalRunner implements BatchRunner {
  constructor(
    private readonly backbone: Backbone,
    private readonly batch: number,
  ) {}
  run(rgb: Uint8Array, views: number): Promise<Float32Array> {
    return runViews(this.backbone, rgb, this.batch, views);
  }
  async close(): Promise<void> {
    this.backbone.dispose();
  }
}

class WorkerRunner implements BatchRunner {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: RunnerReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (!m.ok) w.reject(new Error(m.error));
      else if ('features' in m) w.resolve(m.features);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`feature worker exited (code ${code})`)));
  }

  static async start(init: RunnerInit): Promise<WorkerRunner> {
    const worker = startWorker(new URL('./features.worker.ts', import.meta.url), init);
    await new Promise<void>((resolve, reject) => {
      worker.on('message', function onReady(m: RunnerReply) {
        if (m.id !== 0) return;
        worker.off('message', onReady);
        if (m.ok) resolve();
        else reject(m.userError ? new BackboneLoadError(m.error) : new Error(m.error));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`feature worker exited during start-up (code ${code})`)));
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    worker.removeAllListeners('error');
    worker.removeAllListeners('exit');
    return new WorkerRunner(worker);
  }

  run(rgb: Uint8Array, views: number): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, rgb, views } satisfies RunnerRequest, [rgb.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.on('exit', () => undefined);
    await this.worker.terminate();
  }
}

/**
 * `threads` worker runners (started in parallel), or one runner in this thread when threads is 0 or the backbone
 * comes from `load` (a lab's CLIP: onnxruntime uses both cores from one thread).
 */
export async function startRunners(
  threads: number,
  init: RunnerInit,
  load?: (name: string) => Promise<Backbone>,
): Promise<BatchRunner[]> {
  if (threads <= 0 || load) return [new LocalRunner(await warmBackbone(init, load), init.batch)];
  const started = await Promise.allSettled(Array.from({ length: threads }, () => WorkerRunner.start(init)));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<WorkerRunner>).value);
}
