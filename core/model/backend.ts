import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './kernels.ts';

export type BackendName = 'tensorflow' | 'wasm';

export interface BackendInfo {
  name: BackendName;
  /** wasm only: whether the SIMD build runs. */
  simd: boolean;
  /** Human-readable description for progress output and reports. */
  description: string;
}

let current: Promise<BackendInfo> | null = null;

/** Thrown when no backend able to train is available. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

/**
 * Selects the training backend once per thread: @tensorflow/tfjs-node when it loads (native
 * TensorFlow), otherwise the wasm backend with SIMD and the composed training kernels.
 * The pure-JS cpu backend is never used for training (it is ~100× slower).
 * `prefer: 'wasm'` skips the native backend (tests and benchmarks that must compare like with like).
 */
export function initBackend(options: { prefer?: BackendName } = {}): Promise<BackendInfo> {
  current ??= select(options.prefer);
  return current;
}

async function select(prefer?: BackendName): Promise<BackendInfo> {
  if (prefer !== 'wasm' && (await tryNative())) {
    return { name: 'tensorflow', simd: false, description: 'tfjs-node (native TensorFlow)' };
  }
  await import('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new BackendError('the wasm backend of TensorFlow.js failed to start');
  await tf.ready();
  registerWasmTrainingKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return { name: 'wasm', simd, description: `wasm${simd ? ' (SIMD)' : ' (no SIMD)'}, one thread per worker` };
}

async function tryNative(): Promise<boolean> {
  try {
    // Optional dependency: absent on machines where libtensorflow could not be downloaded.
    const moduleName = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ moduleName);
    return (await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow';
  } catch {
    return false;
  }
}
