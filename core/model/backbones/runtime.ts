import { UserError } from '../../util/user-error.ts';
import { loadOrt, type Ort } from '../onnx/runtime.ts';

/**
 * Which runtime runs a registry backbone that has an ONNX conversion (the default, mobilenet_v2_mid): onnxruntime
 * (an optional dependency; about 8× TF.js wasm here, README "Backbones and features") when it loads, else TF.js.
 * Both compute the same features (the ONNX model is converted from the TF.js graph with the same weights).
 * `NEARLAB_BACKBONE_RUNTIME=tfjs` or `=onnx` forces one; onnx then fails when onnxruntime-node cannot load.
 */
export type BackboneRuntime = 'onnx' | 'tfjs';

export const RUNTIME_VARIABLE = 'NEARLAB_BACKBONE_RUNTIME';

export interface LoadOptions {
  /** The runtime to use; by default NEARLAB_BACKBONE_RUNTIME, else onnx when it loads, else tfjs. */
  runtime?: BackboneRuntime;
  /** onnxruntime's threads for one batch (default: every core). TF.js wasm always runs on one. */
  threads?: number;
}

export class BackboneRuntimeError extends UserError {
  override readonly name = 'BackboneRuntimeError';
}

/** The runtime asked for in the environment, or null for the automatic choice. */
export function runtimeFromEnvironment(env: NodeJS.ProcessEnv = process.env): BackboneRuntime | null {
  const value = env[RUNTIME_VARIABLE]?.trim();
  if (!value) return null;
  if (value === 'onnx' || value === 'tfjs') return value;
  throw new BackboneRuntimeError(`${RUNTIME_VARIABLE} is '${value}': it must be onnx or tfjs (or unset)`);
}

/**
 * onnxruntime when a backbone should run on it, null for TF.js: the runtime asked for (options, then the
 * environment), or onnx when onnxruntime-node loads. Asking for onnx without it is an OnnxRuntimeMissingError.
 */
export async function onnxRuntimeFor(options: LoadOptions, load: () => Promise<Ort> = loadOrt): Promise<Ort | null> {
  const asked = options.runtime ?? runtimeFromEnvironment();
  if (asked === 'tfjs') return null;
  if (asked === 'onnx') return load();
  return load().catch(() => null);
}
