import * as tf from '@tensorflow/tfjs';
import type { Backbone } from './backbone.ts';
import { MOBILENET_V2, MOBILENET_V2_MID } from './catalog.ts';
import { nsfwjsArtifacts } from './nsfwjs-files.ts';
import { OnnxBackbone } from './onnx-backbone.ts';
import { onnxRuntimeFor, type LoadOptions } from './runtime.ts';
import { loadNsfwjsLayers, TfBackbone } from './tf-backbone.ts';
import { tfjsGraphToOnnx } from './tfjs-graph-to-onnx.ts';

/**
 * MobileNetV2 backbones shipped by nsfwjs (ImageNet-initialised, then fine-tuned by nsfwjs on a 5-class
 * content-moderation task). Features are the globally pooled activations before nsfwjs' classifier head.
 */

/** The pooled 1792-d feature vector inside the α = 1.4 graph (before nsfwjs' dense head). */
export const MID_FEATURE_NODE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';

/** On onnxruntime (the graph converted in memory, ~0.4 s) when it loads, else on TF.js: see ./runtime.ts. */
export async function loadMobilenetV2Mid(options: LoadOptions = {}): Promise<Backbone> {
  const artifacts = nsfwjsArtifacts('mobilenet_v2_mid');
  const ort = await onnxRuntimeFor(options);
  if (ort) {
    const onnx = tfjsGraphToOnnx(artifacts, {
      output: MID_FEATURE_NODE,
      producer: 'nearlab (nsfwjs mobilenet_v2_mid)',
    });
    return OnnxBackbone.open(MOBILENET_V2_MID, ort, onnx, options.threads);
  }
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  return new TfBackbone(
    MOBILENET_V2_MID,
    (x) => model.execute(x, MID_FEATURE_NODE) as tf.Tensor,
    () => model.dispose(),
  );
}

export function loadMobilenetV2(): Promise<Backbone> {
  return loadNsfwjsLayers(MOBILENET_V2, 'mobilenet_v2');
}
