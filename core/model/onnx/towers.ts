import type { InferenceSession } from 'onnxruntime-node';
import { OnnxFolderError } from './errors.ts';
import type { Ort } from './runtime.ts';
import { firstLine } from './runtime.ts';
import type { EncodedBatch } from './tokenizer.ts';

type Dim = number | string;

/** A tensor input or output as the session declares it. */
interface TensorMeta {
  name: string;
  type: string;
  shape: readonly Dim[];
}

function tensorMetas(list: readonly InferenceSession.ValueMetadata[]): TensorMeta[] {
  return list.flatMap((m) => (m.isTensor ? [{ name: m.name, type: m.type, shape: m.shape }] : []));
}

const fixed = (d: Dim | undefined): number | null => (typeof d === 'number' && d > 0 ? d : null);
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const shapeText = (shape: readonly Dim[]) => `[${shape.join(', ')}]`;

/** What the vision encoder takes and gives, as checked. */
export interface VisionIO {
  input: string;
  output: string;
  /** Height and width when the model fixes them, else null (any size; the preprocessing decides). */
  height: number | null;
  width: number | null;
  dim: number | null;
}

/** What the text encoder takes and gives, as checked. */
export interface TextIO {
  ids: { name: string; type: 'int64' | 'int32' };
  mask: { name: string; type: 'int64' | 'int32' } | null;
  output: string;
  /** Sequence length when the model fixes it, else null. */
  length: number | null;
  dim: number | null;
}

class IoChecker {
  constructor(
    private readonly folder: string,
    private readonly file: string,
    private readonly session: InferenceSession,
  ) {}

  fail(problem: string): never {
    throw new OnnxFolderError(this.folder, this.file, problem);
  }

  input(name: string, what: string): TensorMeta {
    const found = tensorMetas(this.session.inputMetadata).find((m) => m.name === name);
    if (found) return found;
    return this.fail(`it has no input named ${name} (${what}); its inputs: ${this.session.inputNames.join(', ')}`);
  }

  output(name: string, what: string): TensorMeta {
    const found = tensorMetas(this.session.outputMetadata).find((m) => m.name === name);
    if (!found)
      this.fail(`it has no output named ${name} (${what}); its outputs: ${this.session.outputNames.join(', ')}`);
    if (found.type !== 'float32') this.fail(`its output ${name} is ${found.type}, not float32`);
    if (found.shape.length !== 2) this.fail(`its output ${name} has shape ${shapeText(found.shape)}, not [batch, dim]`);
    return found;
  }

  /** Inputs the encoder needs that Nearlab does not give. */
  extraInputs(known: readonly string[]): void {
    const extra = this.session.inputNames.filter((n) => !known.includes(n));
    if (extra.length > 0) this.fail(`it needs inputs Nearlab does not give: ${extra.join(', ')}`);
  }
}

/** The text encoder's inputs: what a graph holding both towers also takes beside pixel_values. */
const TEXT_INPUTS = ['input_ids', 'attention_mask'];

/**
 * Checks the vision encoder's inputs and outputs: pixel_values float32 [batch, 3, H, W] → image_embeds [batch, d]
 * (`combined`: a graph holding both towers, which also takes the text inputs).
 */
export function checkVision(folder: string, file: string, session: InferenceSession, combined = false): VisionIO {
  const io = new IoChecker(folder, file, session);
  const input = io.input('pixel_values', 'the images');
  io.extraInputs(combined ? ['pixel_values', ...TEXT_INPUTS] : ['pixel_values']);
  if (input.type !== 'float32') io.fail(`its input pixel_values is ${input.type}, not float32`);
  if (input.shape.length !== 4 || (fixed(input.shape[1]) ?? 3) !== 3)
    io.fail(`its input pixel_values has shape ${shapeText(input.shape)}, not [batch, 3, height, width]`);
  const output = io.output('image_embeds', 'the projected image embeddings');
  return {
    input: input.name,
    output: output.name,
    height: fixed(input.shape[2]),
    width: fixed(input.shape[3]),
    dim: fixed(output.shape[1]),
  };
}

/**
 * Checks the text encoder: input_ids (and attention_mask) int64/int32 [batch, sequence] → text_embeds [batch, d]
 * (`combined`: a graph holding both towers, which also takes pixel_values).
 */
export function checkText(folder: string, file: string, session: InferenceSession, combined = false): TextIO {
  const io = new IoChecker(folder, file, session);
  const intType = (m: TensorMeta): 'int64' | 'int32' => {
    if (m.type === 'int64' || m.type === 'int32') return m.type;
    return io.fail(`its input ${m.name} is ${m.type}, not int64`);
  };
  const ids = io.input('input_ids', 'the token ids');
  if (ids.shape.length !== 2) io.fail(`its input input_ids has shape ${shapeText(ids.shape)}, not [batch, sequence]`);
  const hasMask = session.inputNames.includes('attention_mask');
  const mask = hasMask ? io.input('attention_mask', 'the padding mask') : null;
  io.extraInputs(combined ? [...TEXT_INPUTS, 'pixel_values'] : TEXT_INPUTS);
  const output = io.output('text_embeds', 'the projected text embeddings');
  return {
    ids: { name: ids.name, type: intType(ids) },
    mask: mask ? { name: mask.name, type: intType(mask) } : null,
    output: output.name,
    length: fixed(ids.shape[1]),
    dim: fixed(output.shape[1]),
  };
}

/**
 * What a graph holding both towers is fed for the tower not asked for: one text, one image of the input size (its
 * outputs are not fetched).
 */
export interface Companion {
  text: EncodedBatch;
  height: number;
  width: number;
}

/** The two encoders, checked, and how to run each on a batch. */
export class ClipTowers {
  private companion: Companion | null = null;

  constructor(
    private readonly ort: Ort,
    readonly folder: string,
    readonly files: { vision: string; text: string },
    private readonly vision: InferenceSession,
    readonly visionIO: VisionIO,
    private readonly text: InferenceSession,
    readonly textIO: TextIO,
  ) {}

  /** True when one graph holds both towers (then `pairWith` must be called before a run). */
  get combined(): boolean {
    return this.vision === this.text;
  }

  /** For a graph holding both towers: what the tower not asked for is fed. */
  pairWith(companion: Companion): void {
    this.companion = companion;
  }

  private pixelFeeds(pixels: Float32Array, n: number, height: number, width: number): InferenceSession.FeedsType {
    return { [this.visionIO.input]: new this.ort.Tensor('float32', pixels, [n, 3, height, width]) };
  }

  private textFeeds(batch: EncodedBatch): InferenceSession.FeedsType {
    const dims = [batch.rows, batch.length];
    const tensor = (type: 'int64' | 'int32', values: number[]) =>
      type === 'int64'
        ? new this.ort.Tensor(
            'int64',
            BigInt64Array.from(values, (v) => BigInt(v)),
            dims,
          )
        : new this.ort.Tensor('int32', Int32Array.from(values), dims);
    const { ids, mask } = this.textIO;
    return {
      [ids.name]: tensor(ids.type, batch.ids),
      ...(mask ? { [mask.name]: tensor(mask.type, batch.mask) } : {}),
    };
  }

  private companionOf(kind: 'vision' | 'text'): InferenceSession.FeedsType {
    if (!this.combined) return {};
    const c = this.companion;
    if (!c) throw new Error('a graph holding both towers needs pairWith() before it runs');
    if (kind === 'vision') return this.textFeeds(c.text);
    return this.pixelFeeds(new Float32Array(3 * c.height * c.width), 1, c.height, c.width);
  }

  /** image_embeds of `n` images given as pixel_values [n, 3, height, width]: [n × d]. */
  async runVision(pixels: Float32Array, n: number, height: number, width: number): Promise<Float32Array> {
    const feeds = { ...this.companionOf('vision'), ...this.pixelFeeds(pixels, n, height, width) };
    return this.run(
      this.vision,
      this.files.vision,
      feeds,
      this.visionIO.output,
      n,
      `${count(n, 'image')} of ${width}×${height}`,
    );
  }

  /** text_embeds of a batch of token ids: [rows × d]. */
  async runText(batch: EncodedBatch): Promise<Float32Array> {
    const feeds = { ...this.companionOf('text'), ...this.textFeeds(batch) };
    const what = `${count(batch.rows, 'text')} of ${batch.length} tokens`;
    return this.run(this.text, this.files.text, feeds, this.textIO.output, batch.rows, what);
  }

  private async run(
    session: InferenceSession,
    file: string,
    feeds: InferenceSession.FeedsType,
    output: string,
    n: number,
    what: string,
  ): Promise<Float32Array> {
    let result: InferenceSession.ReturnType;
    try {
      result = await session.run(feeds, [output]);
    } catch (e) {
      throw new OnnxFolderError(this.folder, file, `running it on ${what} failed (${firstLine(e)})`);
    }
    const t = result[output];
    const dim = t.dims[1];
    if (t.dims.length !== 2 || t.dims[0] !== n || !(dim > 0))
      throw new OnnxFolderError(this.folder, file, `its output ${output} came out as [${t.dims.join(', ')}]`);
    return new Float32Array(t.data as Float32Array);
  }

  /**
   * A graph holding both towers that also gives logits_per_image (CLIP's forward) records its trained scale:
   * logits = scale × cosine. Null when it gives none. Runs one image and one text.
   */
  async exportedScale(pixels: Float32Array, height: number, width: number, text: EncodedBatch): Promise<number | null> {
    if (!this.combined || !this.vision.outputNames.includes('logits_per_image')) return null;
    const feeds = { ...this.textFeeds(text), ...this.pixelFeeds(pixels, 1, height, width) };
    const fetch = ['logits_per_image', this.visionIO.output, this.textIO.output];
    let out: InferenceSession.ReturnType;
    try {
      out = await this.vision.run(feeds, fetch);
    } catch (e) {
      throw new OnnxFolderError(this.folder, this.files.vision, `running it failed (${firstLine(e)})`);
    }
    const [logit, image, txt] = fetch.map((name) => out[name].data as Float32Array);
    let dot = 0;
    let ii = 0;
    let tt = 0;
    for (let k = 0; k < image.length; k++) {
      dot += image[k] * txt[k];
      ii += image[k] * image[k];
      tt += txt[k] * txt[k];
    }
    const scale = logit[0] / (dot / Math.sqrt(ii * tt));
    return Number.isFinite(scale) && scale > 0 ? scale : null;
  }

  async release(): Promise<void> {
    await Promise.all(this.combined ? [this.vision.release()] : [this.vision.release(), this.text.release()]);
  }
}
