import type { Backbone } from './backbone.ts';
import { INCEPTION_V3 } from './catalog.ts';
import { loadNsfwjsLayers } from './tf-backbone.ts';

/** InceptionV3 shipped by nsfwjs (ImageNet-initialised, fine-tuned on its 5 classes): 2048-d pooled features. */
export function loadInceptionV3(): Promise<Backbone> {
  return loadNsfwjsLayers(INCEPTION_V3, 'inception_v3');
}
