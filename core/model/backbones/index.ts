import { UnknownBackboneError, type Backbone, type BackboneInfo } from './backbone.ts';
import { CATALOG } from './catalog.ts';
import type { LoadOptions } from './runtime.ts';

export type { Backbone, BackboneInfo } from './backbone.ts';
export { UnknownBackboneError, BackboneLoadError } from './backbone.ts';
export { DEFAULT_BACKBONE } from './catalog.ts';
export type { BackboneRuntime, LoadOptions } from './runtime.ts';

/**
 * The backbone registry: names from ./catalog.ts, each loaded by its family's module, imported on first use (so
 * naming and checking a backbone loads no TF.js).
 */
const LOADERS: Record<string, (options: LoadOptions) => Promise<Backbone>> = {
  mobilenet_v2_mid: async (options) => (await import('./mobilenet.ts')).loadMobilenetV2Mid(options),
  mobilenet_v2: async () => (await import('./mobilenet.ts')).loadMobilenetV2(),
  inception_v3: async () => (await import('./inception.ts')).loadInceptionV3(),
};

export function backboneNames(): string[] {
  return CATALOG.map((b) => b.name);
}

/** What a backbone is (name, title, input size, feature dimension) without loading it. */
export function backboneInfo(name: string): BackboneInfo {
  const b = CATALOG.find((r) => r.name === name);
  if (!b) throw new UnknownBackboneError(name, backboneNames());
  return { ...b };
}

/**
 * Loads a backbone's weights (offline, from the installed packages): the default on onnxruntime when it loads (see
 * ./runtime.ts; the others have no ONNX conversion), else on this thread's TF.js backend (which the conversion
 * uses too).
 */
export async function loadBackbone(name: string, options: LoadOptions = {}): Promise<Backbone> {
  const info = backboneInfo(name);
  const { initBackend } = await import('../backend.ts');
  await initBackend();
  return LOADERS[info.name](options);
}
