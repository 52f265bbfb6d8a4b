import { initBackend } from '../backend.ts';
import { UnknownBackboneError, type Backbone, type BackboneInfo } from './backbone.ts';
import { INCEPTION_V3, loadInceptionV3 } from './inception.ts';
import { loadMobilenetV2, loadMobilenetV2Mid, MOBILENET_V2, MOBILENET_V2_MID } from './mobilenet.ts';

export type { Backbone, BackboneInfo } from './backbone.ts';
export { UnknownBackboneError, BackboneLoadError } from './backbone.ts';

/** The registered backbones: what each is, and how to load it. */
interface Registered extends BackboneInfo {
  load(): Promise<Backbone>;
}

const REGISTRY: readonly Registered[] = [
  { ...MOBILENET_V2_MID, load: loadMobilenetV2Mid },
  { ...MOBILENET_V2, load: loadMobilenetV2 },
  { ...INCEPTION_V3, load: loadInceptionV3 },
];

/** The backbone of new labs and runs: the best k-NN accuracy on the emoji set of the three (README, Backbones). */
export const DEFAULT_BACKBONE = 'mobilenet_v2_mid';

export function backboneNames(): string[] {
  return REGISTRY.map((b) => b.name);
}

/** What a backbone is (name, title, input size, feature dimension) without loading it. */
export function backboneInfo(name: string): BackboneInfo {
  const b = REGISTRY.find((r) => r.name === name);
  if (!b) throw new UnknownBackboneError(name, backboneNames());
  return { name: b.name, title: b.title, inputSize: b.inputSize, featureDim: b.featureDim };
}

/** Loads a backbone's weights (offline, from the installed packages) on this thread's TF.js backend. */
export async function loadBackbone(name: string): Promise<Backbone> {
  const b = REGISTRY.find((r) => r.name === name);
  if (!b) throw new UnknownBackboneError(name, backboneNames());
  await initBackend();
  return b.load();
}
