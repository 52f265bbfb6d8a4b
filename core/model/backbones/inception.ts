import type { Backbone, BackboneInfo } from './backbone.ts';
import { loadNsfwjsLayers } from './tf-backbone.ts';

/** InceptionV3 shipped by nsfwjs (ImageNet-initialised, fine-tuned on its 5 classes): 2048-d pooled features. */
export const INCEPTION_V3: BackboneInfo = {
  name: 'inception_v3',
  title: 'InceptionV3 (ImageNet, nsfwjs)',
  inputSize: 299,
  featureDim: 2048,
};

export function loadInceptionV3(): Promise<Backbone> {
  return loadNsfwjsLayers(INCEPTION_V3, 'inception_v3');
}
