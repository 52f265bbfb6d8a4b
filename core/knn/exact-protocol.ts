/** Messages between ExactIndex (exact.ts) and its shard workers (exact.worker.ts). */
export interface WorkerInit {
  gallery: SharedArrayBuffer;
  norms: SharedArrayBuffer;
  dim: number;
  start: number;
  end: number;
  mode: 'l2' | 'cos' | 'l1';
  kernel: 'auto' | 'js' | 'tfjs';
}

export type WorkerRequest =
  | {
      type: 'search';
      id: number;
      queries: Float32Array;
      qNorms: Float64Array;
      nq: number;
      cap: number;
      mask: Uint8Array | null;
    }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; kernel: string }
  | { type: 'result'; id: number; cap: number; keys: Float64Array; idx: Int32Array; size: Int32Array; errScale: number }
  | { type: 'error'; id: number; message: string };
