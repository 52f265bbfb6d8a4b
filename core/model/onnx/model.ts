import type { QueryImage, QueryModel } from '../query-model.ts';
import { pixelValues, pixelValuesOfRgb } from './image-input.ts';
import type { OpenedClip } from './open.ts';

/** Images (and texts) per onnxruntime run: bounds the memory of one run and of the images decoded for it. */
const RUN_BATCH = 16;

/**
 * A user's CLIP from ONNX files, loaded for inference in the calling thread: images through the vision encoder
 * (from their original bytes when known, else the stored pixels, preprocessed as the export's
 * preprocessor_config.json says), texts through its tokenizer and text encoder. Embeddings are not normalised.
 */
export class OnnxClipModel implements QueryModel {
  readonly kind = 'onnx-clip';
  readonly hasText = true;
  readonly dim: number;
  readonly scale: number;

  constructor(
    readonly id: number,
    private readonly clip: OpenedClip,
  ) {
    this.dim = clip.dim;
    this.scale = clip.scale;
  }

  /** The folder the model was added from. */
  get folder(): string {
    return this.clip.files.folder;
  }

  get imageSize(): number {
    return this.clip.preprocessing.width;
  }

  /** True when the vision model's input is square (imageSize × imageSize), as a frozen backbone's must be. */
  get squareInput(): boolean {
    return this.clip.preprocessing.width === this.clip.preprocessing.height;
  }

  get maxLength(): number {
    return this.clip.maxLength;
  }

  async embedImages(images: readonly QueryImage[]): Promise<Float32Array> {
    const { preprocessing: p, towers } = this.clip;
    const out = new Float32Array(images.length * this.dim);
    for (let start = 0; start < images.length; start += RUN_BATCH) {
      const part = images.slice(start, start + RUN_BATCH);
      const emb = await towers.runVision(await pixelValues(part, p), part.length, p.height, p.width);
      out.set(emb, start * this.dim);
    }
    return out;
  }

  /**
   * Image embeddings of n images already at the vision model's square input (n × s × s × 3 RGB bytes, resized and
   * cropped by the caller): the CLIP as a frozen backbone.
   */
  async embedRgb(rgb: Uint8Array, n: number): Promise<Float32Array> {
    const { preprocessing: p, towers } = this.clip;
    const per = p.width * p.height * 3;
    const out = new Float32Array(n * this.dim);
    for (let start = 0; start < n; start += RUN_BATCH) {
      const count = Math.min(RUN_BATCH, n - start);
      const input = pixelValuesOfRgb(rgb.subarray(start * per, (start + count) * per), count, p);
      out.set(await towers.runVision(input, count, p.height, p.width), start * this.dim);
    }
    return out;
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dim);
    for (let start = 0; start < texts.length; start += RUN_BATCH) {
      const part = texts.slice(start, start + RUN_BATCH);
      out.set(await this.clip.towers.runText(this.clip.tokenizer.encodeBatch(part)), start * this.dim);
    }
    return out;
  }

  /** The token ids a text is given to the text encoder as (start and end tokens included, truncated). */
  tokenIds(text: string): number[] {
    return this.clip.tokenizer.encode(text);
  }

  dispose(): void {
    void this.clip.towers.release();
  }
}
