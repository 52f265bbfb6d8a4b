import * as tf from '@tensorflow/tfjs';
import type { Backbone, BackboneInfo } from './backbone.ts';
import { nsfwjsArtifacts, type NsfwjsModel } from './nsfwjs-files.ts';

/**
 * A backbone that is a TF.js model: bytes scaled to [0, 1] (what the nsfwjs models were trained with), run through
 * `forward`, every intermediate tensor freed.
 */
export class TfBackbone implements Backbone {
  readonly name: string;
  readonly title: string;
  readonly inputSize: number;
  readonly featureDim: number;
  private disposed = false;

  constructor(
    info: BackboneInfo,
    private readonly forward: (x: tf.Tensor4D) => tf.Tensor,
    private readonly release: () => void,
  ) {
    this.name = info.name;
    this.title = info.title;
    this.inputSize = info.inputSize;
    this.featureDim = info.featureDim;
  }

  async run(rgb: Uint8Array, n: number): Promise<Float32Array> {
    if (this.disposed) throw new Error(`backbone ${this.name} was disposed`);
    const s = this.inputSize;
    if (rgb.length !== n * s * s * 3) throw new Error(`${rgb.length} bytes for ${n} ${s}×${s} RGB images`);
    const scaled = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; i++) scaled[i] = rgb[i] / 255;
    const y = tf.tidy(() => this.forward(tf.tensor4d(scaled, [n, s, s, 3])).reshape([n, this.featureDim]));
    try {
      return (await y.data()) as Float32Array;
    } finally {
      y.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }
}

/** One of nsfwjs' Keras layers models cut at its `flatten_1` layer (the pooled features its dense head reads). */
export async function loadNsfwjsLayers(info: BackboneInfo, file: NsfwjsModel): Promise<Backbone> {
  const full = await tf.loadLayersModel(tf.io.fromMemory(nsfwjsArtifacts(file)));
  const features = tf.model({ inputs: full.inputs, outputs: full.getLayer('flatten_1').output as tf.SymbolicTensor });
  return new TfBackbone(
    info,
    (x) => features.predict(x) as tf.Tensor,
    () => full.dispose(),
  );
}
