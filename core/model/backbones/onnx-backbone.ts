import type { InferenceSession } from 'onnxruntime-node';
import { firstLine, type Ort } from '../onnx/runtime.ts';
import { BackboneLoadError, type Backbone, type BackboneInfo } from './backbone.ts';

/**
 * A registry backbone run by onnxruntime on the CPU from an ONNX model held in memory (converted from the package's
 * TF.js graph by ./tfjs-graph-to-onnx.ts): `images` uint8 n × s × s × 3 in, `features` n × featureDim out.
 */
export class OnnxBackbone implements Backbone {
  readonly name: string;
  readonly title: string;
  readonly inputSize: number;
  readonly featureDim: number;
  private disposed = false;

  private constructor(
    info: BackboneInfo,
    private readonly ort: Ort,
    private readonly session: InferenceSession,
  ) {
    this.name = info.name;
    this.title = info.title;
    this.inputSize = info.inputSize;
    this.featureDim = info.featureDim;
  }

  /** A session of `model` on `threads` threads (onnxruntime's default, every core, when not given). */
  static async open(info: BackboneInfo, ort: Ort, model: Uint8Array, threads?: number): Promise<OnnxBackbone> {
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 4,
        ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
      });
    } catch (e) {
      throw new BackboneLoadError(`the backbone ${info.name} cannot run on onnxruntime (${firstLine(e)})`);
    }
    return new OnnxBackbone(info, ort, session);
  }

  async run(rgb: Uint8Array, n: number): Promise<Float32Array> {
    if (this.disposed) throw new Error(`backbone ${this.name} was disposed`);
    const s = this.inputSize;
    if (rgb.length !== n * s * s * 3) throw new Error(`${rgb.length} bytes for ${n} ${s}×${s} RGB images`);
    const images = new this.ort.Tensor('uint8', rgb, [n, s, s, 3]);
    const out = await this.session.run({ images });
    const features = out.features;
    try {
      if (features.dims.join() !== `${n},${this.featureDim}`) {
        throw new Error(`backbone ${this.name} gave features of shape [${features.dims.join(', ')}]`);
      }
      return features.data as Float32Array;
    } finally {
      images.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.session.release();
  }
}
