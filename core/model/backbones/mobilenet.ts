import * as tf from '@tensorflow/tfjs';
import type { Backbone, BackboneInfo } from './backbone.ts';
import { nsfwjsArtifacts } from './nsfwjs-files.ts';
import { loadNsfwjsLayers, TfBackbone } from './tf-backbone.ts';

/**
 * MobileNetV2 backbones shipped by nsfwjs (ImageNet-initialised, then fine-tuned by nsfwjs on a 5-class
 * content-moderation task). Features are the globally pooled activations before nsfwjs' classifier head.
 */

/** α = 1.4 from TF-Hub's feature_vector model, the whole network fine-tuned; a graph model. */
export const MOBILENET_V2_MID: BackboneInfo = {
  name: 'mobilenet_v2_mid',
  title: 'MobileNetV2 ×1.4 (ImageNet, nsfwjs)',
  inputSize: 224,
  featureDim: 1792,
};

/** α = 1.0, a Keras layers model. */
export const MOBILENET_V2: BackboneInfo = {
  name: 'mobilenet_v2',
  title: 'MobileNetV2 ×1.0 (ImageNet, nsfwjs)',
  inputSize: 224,
  featureDim: 1280,
};

/** The pooled 1792-d feature vector inside the graph (before nsfwjs' dense head). */
export const MID_FEATURE_NODE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';

export async function loadMobilenetV2Mid(): Promise<Backbone> {
  const model = await tf.loadGraphModel(tf.io.fromMemory(nsfwjsArtifacts('mobilenet_v2_mid')));
  return new TfBackbone(
    MOBILENET_V2_MID,
    (x) => model.execute(x, MID_FEATURE_NODE) as tf.Tensor,
    () => model.dispose(),
  );
}

export function loadMobilenetV2(): Promise<Backbone> {
  return loadNsfwjsLayers(MOBILENET_V2, 'mobilenet_v2');
}
