import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/workers.ts';
import type { AugmentOptions } from './augment.ts';
import { initBackend, type BackendInfo, type BackendName } from './backend.ts';
import type { ModelConfig } from './config.ts';
import { Replica, type Embeddings, type FeatureStore, type PixelStore, type TrainBatch } from './replica.ts';
import type { EncodedTexts } from './tokenizer.ts';

/**
 * Where replicas run: in this thread (LocalEngine) or in a worker thread each (WorkerEngine).
 * Parameters live in one shared buffer that the trainer updates between steps; every replica
 * writes its gradients into its own shared buffer.
 */

export interface EngineInit {
  model: ModelConfig;
  vocabSize: number;
  store: PixelStore | null;
  /** A frozen backbone's features of the store's rows (a LiT model reads these instead of pixels). */
  features?: FeatureStore | null;
  augment: AugmentOptions;
  prefer?: BackendName;
  /** Shared parameters (layout order), read by replicas when told the weights changed. */
  weights: Float32Array;
  /** This replica's gradient output (layout order). */
  grads: Float32Array;
}

export interface Engine {
  readonly backend: BackendInfo;
  /** Re-reads the shared parameters. */
  syncWeights(): Promise<void>;
  forward(batch: TrainBatch): Promise<Embeddings>;
  /** Writes gradients into the engine's shared gradient buffer. */
  backward(dImg: Float32Array, dTxt: Float32Array): Promise<void>;
  embedRows(rows: Int32Array): Promise<Float32Array>;
  embedTexts(texts: EncodedTexts): Promise<Float32Array>;
  close(): Promise<void>;
}

export class LocalEngine implements Engine {
  private constructor(
    readonly backend: BackendInfo,
    private readonly replica: Replica,
    private readonly init: EngineInit,
  ) {}

  static async create(init: EngineInit): Promise<LocalEngine> {
    const backend = await initBackend({ prefer: init.prefer });
    const replica = new Replica(init.model, init.vocabSize, init.store, init.augment, init.features ?? null);
    return new LocalEngine(backend, replica, init);
  }

  async syncWeights(): Promise<void> {
    this.replica.setWeights(this.init.weights);
  }
  async forward(batch: TrainBatch): Promise<Embeddings> {
    return this.replica.forward(batch);
  }
  async backward(dImg: Float32Array, dTxt: Float32Array): Promise<void> {
    this.replica.backward(dImg, dTxt, this.init.grads);
  }
  async embedRows(rows: Int32Array): Promise<Float32Array> {
    return this.replica.embedRows(rows);
  }
  async embedTexts(texts: EncodedTexts): Promise<Float32Array> {
    return this.replica.embedTexts(texts);
  }
  async close(): Promise<void> {
    this.replica.dispose();
  }
}

/** Requests understood by train.worker.ts. */
export type WorkerRequest =
  | { type: 'sync' }
  | { type: 'forward'; batch: TrainBatch }
  | { type: 'backward'; dImg: Float32Array; dTxt: Float32Array }
  | { type: 'embedRows'; rows: Int32Array }
  | { type: 'embedTexts'; texts: EncodedTexts };

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { id: 0; ok: true; ready: BackendInfo };

export class WorkerEngine implements Engine {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly backend: BackendInfo,
  ) {
    worker.on('message', (m: WorkerReply) => {
      if (!('result' in m) && m.ok) return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`training worker exited (code ${code})`)));
  }

  static async create(init: EngineInit): Promise<WorkerEngine> {
    const worker = startWorker(new URL('./train.worker.ts', import.meta.url), init);
    const backend = await new Promise<BackendInfo>((resolve, reject) => {
      const onMessage = (m: WorkerReply) => {
        if (m.id !== 0) return;
        worker.off('message', onMessage);
        if (m.ok && 'ready' in m) resolve(m.ready);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`training worker exited during start-up (code ${code})`)));
    });
    worker.removeAllListeners('error');
    worker.removeAllListeners('exit');
    return new WorkerEngine(worker, backend);
  }

  private call<T>(req: WorkerRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, ...req });
    });
  }

  syncWeights(): Promise<void> {
    return this.call({ type: 'sync' });
  }
  forward(batch: TrainBatch): Promise<Embeddings> {
    return this.call({ type: 'forward', batch });
  }
  backward(dImg: Float32Array, dTxt: Float32Array): Promise<void> {
    return this.call({ type: 'backward', dImg, dTxt });
  }
  embedRows(rows: Int32Array): Promise<Float32Array> {
    return this.call({ type: 'embedRows', rows });
  }
  embedTexts(texts: EncodedTexts): Promise<Float32Array> {
    return this.call({ type: 'embedTexts', texts });
  }
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.on('exit', () => undefined);
    await this.worker.terminate();
  }
}

/** Starts `count` engines: worker threads, or one local engine when count is 0. */
export async function startEngines(
  count: number,
  base: Omit<EngineInit, 'grads'>,
  total: number,
): Promise<{ engines: Engine[]; grads: Float32Array[] }> {
  const grads: Float32Array[] = [];
  const make = (): EngineInit => {
    const g = new Float32Array(new SharedArrayBuffer(total * 4));
    grads.push(g);
    return { ...base, grads: g };
  };
  if (count === 0) return { engines: [await LocalEngine.create(make())], grads };
  const inits = Array.from({ length: count }, make);
  const engines = await Promise.all(inits.map((i) => WorkerEngine.create(i)));
  return { engines, grads };
}
