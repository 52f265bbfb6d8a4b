import * as tf from '@tensorflow/tfjs';
import type { Backbone } from './backbone.ts';
import { MOBILENET_V2, MOBILENET_V2_MID } from './catalog.ts';
import { nsfwjsArtifacts } from './nsfwjs-files.ts';
import { loadNsfwjsLayers, TfBackbone } from './tf-backbone.ts';

/**
 * MobileNetV2 backbones shipped by nsfwjs (ImageNet-initialised, then fine-tuned by nsfwjs on a 5-class
 * content-moderation task). Features are the globally pooled activations before nsfwjs' classifier head.
 */

/** The pooled 1792-d feature vector inside the α = 1.4 graph (before nsfwjs' dense head). */
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
