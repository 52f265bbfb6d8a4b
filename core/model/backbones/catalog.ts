import type { BackboneInfo } from './backbone.ts';

/**
 * What each registered backbone is, without loading anything heavy (no TF.js): the CLI and the service name and
 * check backbones from here; ./index.ts loads them.
 */

/** MobileNetV2 α = 1.4 from TF-Hub's feature_vector model, the whole network fine-tuned by nsfwjs; a graph model. */
export const MOBILENET_V2_MID: BackboneInfo = {
  name: 'mobilenet_v2_mid',
  title: 'MobileNetV2 ×1.4 (ImageNet, nsfwjs)',
  inputSize: 224,
  featureDim: 1792,
};

/** MobileNetV2 α = 1.0, a Keras layers model. */
export const MOBILENET_V2: BackboneInfo = {
  name: 'mobilenet_v2',
  title: 'MobileNetV2 ×1.0 (ImageNet, nsfwjs)',
  inputSize: 224,
  featureDim: 1280,
};

/** InceptionV3, a Keras layers model: 2048-d, about ten times the work of the MobileNets. */
export const INCEPTION_V3: BackboneInfo = {
  name: 'inception_v3',
  title: 'InceptionV3 (ImageNet, nsfwjs)',
  inputSize: 299,
  featureDim: 2048,
};

export const CATALOG: readonly BackboneInfo[] = [MOBILENET_V2_MID, MOBILENET_V2, INCEPTION_V3];

/** The backbone of new labs and runs: the best k-NN accuracy on the emoji set of the three (README, Backbones). */
export const DEFAULT_BACKBONE = MOBILENET_V2_MID.name;
