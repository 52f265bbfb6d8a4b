import { UnknownBackboneError, type Backbone, type BackboneInfo } from './backbone.ts';
import { CATALOG } from './catalog.ts';

export type { Backbone, BackboneInfo } from './backbone.ts';
export { UnknownBackboneError, BackboneLoadError } from './backbone.ts';
export { DEFAULT_BACKBONE } from './catalog.ts';

/**
 * The backbone registry: names from ./catalog.ts, each loaded by its family's module, imported on first use (so
 * naming and checking a backbone loads no TF.js).
 */
const LOADERS: Record<string, () => Promise<Backbone>> = {
  mobilenet_v2_mid: async () => (await import('./mobilenet.ts')).loadMobilenetV2Mid(),
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

/** Loads a backbone's weights (offline, from the installed packages) on this thread's TF.js backend. */
export async function loadBackbone(name: string): Promise<Backbone> {
  const info = backboneInfo(name);
  const { initBackend } = await import('../backend.ts');
  await initBackend();
  return LOADERS[info.name]();
}
