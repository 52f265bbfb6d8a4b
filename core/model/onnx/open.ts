import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { OnnxFolderError } from './errors.ts';
import { locateClipFiles, type ClipFolderFiles } from './folder.ts';
import { ConfigProblem, parseClipConfig, tokenizerMaxLength, type ClipConfig } from './hf-config.ts';
import { pixelValues } from './image-input.ts';
import { parsePreprocessor, PreprocessorConfigProblem, type ImagePreprocessing } from './preprocessor.ts';
import { loadOrt, openSession, type Ort } from './runtime.ts';
import { ClipTokenizer, TokenizerProblem } from './tokenizer.ts';
import { checkText, checkVision, ClipTowers } from './towers.ts';

/** CLIP's text length when neither the model nor its config says. */
export const CLIP_MAX_LENGTH = 77;
/** exp(logit scale) of OpenAI's trained CLIPs (100), for exports that do not record theirs. */
export const CLIP_SCALE = 100;
/** Largest JSON file read (a real CLIP's tokenizer.json is about 2 MB). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** A CLIP folder opened: both encoders checked and loaded, with its tokenizer and preprocessing. */
export interface OpenedClip {
  files: ClipFolderFiles;
  towers: ClipTowers;
  tokenizer: ClipTokenizer;
  preprocessing: ImagePreprocessing;
  /** Embedding dimension (image and text alike). */
  dim: number;
  maxLength: number;
  /**
   * exp(logit scale) for zero-shot softmax: config.json's logit_scale, else the one a graph holding both towers
   * applies (found by the probe), else CLIP's 100.
   */
  scale: number;
}

export interface OpenClipOptions {
  /** Run one tiny batch through both encoders (what `model add` does before it writes anything). Default true. */
  probe?: boolean;
  /** Threads of one onnxruntime run. */
  threads?: number;
  /** For tests: a runtime other than onnxruntime-node. */
  ort?: Ort;
}

async function readJson(folder: string, file: string): Promise<unknown> {
  const path = join(folder, file);
  const st = await fs.stat(path);
  if (st.size > MAX_JSON_BYTES) throw new OnnxFolderError(folder, file, `too large for a JSON file (${st.size} bytes)`);
  const text = await fs.readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new OnnxFolderError(folder, file, `not valid JSON (${(e as Error).message})`);
  }
}

/** Runs `parse`, turning its problem (of the given class) into an OnnxFolderError naming the file. */
function parsed<T>(folder: string, file: string, problem: abstract new (...args: never[]) => Error, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof problem) throw new OnnxFolderError(folder, file, e.message);
    throw e;
  }
}

/** Both encoders loaded and their inputs and outputs checked (released again when a check fails). */
async function openTowers(ort: Ort, files: ClipFolderFiles, threads: number | undefined): Promise<ClipTowers> {
  const dir = files.folder;
  const vision = await openSession(ort, dir, files.vision, join(dir, files.vision), { threads });
  let text: InferenceSession | null = null;
  try {
    text = files.combined ? vision : await openSession(ort, dir, files.text, join(dir, files.text), { threads });
    const visionIO = checkVision(dir, files.vision, vision, files.combined);
    const textIO = checkText(dir, files.text, text, files.combined);
    return new ClipTowers(ort, dir, files, vision, visionIO, text, textIO);
  } catch (e) {
    await Promise.all([vision.release(), text !== vision ? text?.release() : undefined]);
    throw e;
  }
}

/**
 * Opens a CLIP export in the Hugging Face layout (onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json,
 * preprocessor_config.json; config.json and tokenizer_config.json when present) and checks that its parts fit:
 * input names and shapes, the preprocessing against the vision model's input size, the tokenizer against the text
 * model's length and embedding table, equal embedding sizes. With `probe`, one tiny batch runs through both
 * encoders (a corrupt weight, a vocabulary larger than the embedding table or a wrong image size fail there).
 * Anything wrong is one UserError naming the file.
 */
export async function openClipFolder(folder: string, options: OpenClipOptions = {}): Promise<OpenedClip> {
  const files = await locateClipFiles(folder);
  const dir = files.folder;
  const preprocessorJson = await readJson(dir, files.preprocessor);
  const p = parsed(dir, files.preprocessor, PreprocessorConfigProblem, () => parsePreprocessor(preprocessorJson));
  const configJson = files.config ? await readJson(dir, files.config) : null;
  const config = parsed(dir, files.config ?? 'config.json', ConfigProblem, () => parseClipConfig(configJson));
  const tokenizerJson = await readJson(dir, files.tokenizer);
  const tokenizerConfig = files.tokenizerConfig ? await readJson(dir, files.tokenizerConfig) : null;
  const towers = await openTowers(options.ort ?? (await loadOrt()), files, options.threads);
  try {
    const maxLength =
      towers.textIO.length ?? config.maxPositions ?? tokenizerMaxLength(tokenizerConfig) ?? CLIP_MAX_LENGTH;
    const tokenizer = parsed(dir, files.tokenizer, TokenizerProblem, () =>
      ClipTokenizer.create(tokenizerJson, tokenizerConfig, maxLength),
    );
    if (towers.combined) towers.pairWith({ text: tokenizer.encodeBatch(['a']), height: p.height, width: p.width });
    const dim = await checkFit(files, towers, tokenizer, p, config, options.probe ?? true);
    const scale =
      config.logitScale !== null
        ? Math.exp(config.logitScale)
        : options.probe === false
          ? CLIP_SCALE
          : ((await towers.exportedScale(await greyPixels(p), p.height, p.width, tokenizer.encodeBatch(['a photo']))) ??
            CLIP_SCALE);
    return { files, towers, tokenizer, preprocessing: p, dim, maxLength, scale };
  } catch (e) {
    await towers.release();
    throw e;
  }
}

/** Checks that the parts fit together (and with `probe` runs one tiny batch); returns the embedding size. */
async function checkFit(
  files: ClipFolderFiles,
  towers: ClipTowers,
  tokenizer: ClipTokenizer,
  p: ImagePreprocessing,
  config: ClipConfig,
  probe: boolean,
): Promise<number> {
  const dir = files.folder;
  const { visionIO, textIO } = towers;
  const takes = (h: number | null, w: number | null) => (h === null || h === p.height) && (w === null || w === p.width);
  if (!takes(visionIO.height, visionIO.width))
    throw new OnnxFolderError(
      dir,
      files.preprocessor,
      `it makes ${p.width}×${p.height} images but ${files.vision} takes ${visionIO.width ?? 'any'}×${visionIO.height ?? 'any'}`,
    );
  if (config.vocabSize !== null && tokenizer.vocabSize > config.vocabSize)
    throw new OnnxFolderError(
      dir,
      files.tokenizer,
      `its vocabulary has ${tokenizer.vocabSize} tokens, more than the text model's embedding table ` +
        `(${files.config}: text_config.vocab_size ${config.vocabSize})`,
    );
  if (visionIO.dim !== null && textIO.dim !== null && visionIO.dim !== textIO.dim)
    throw new OnnxFolderError(
      dir,
      files.text,
      `its text_embeds have ${textIO.dim} values but ${files.vision}'s image_embeds ${visionIO.dim}: not one CLIP`,
    );
  let dim = visionIO.dim ?? textIO.dim;
  if (probe) dim = await probeTowers(files, towers, tokenizer, p);
  if (dim === null) throw new OnnxFolderError(dir, files.vision, 'its image_embeds have no fixed size');
  if (config.projectionDim !== null && config.projectionDim !== dim)
    throw new OnnxFolderError(
      dir,
      files.config!,
      `projection_dim is ${config.projectionDim} but the encoders give ${dim}-value embeddings`,
    );
  return dim;
}

/** pixel_values of one mid-grey image. */
async function greyPixels(p: ImagePreprocessing): Promise<Float32Array> {
  return pixelValues([{ pixels: { data: new Uint8Array(8 * 8 * 3).fill(128), size: 8 }, bytes: null }], p);
}

/**
 * One grey image and two texts through the encoders, one text holding the vocabulary's largest id (a vocabulary
 * larger than the text model's embedding table fails here); returns the embedding size both give.
 */
async function probeTowers(
  files: ClipFolderFiles,
  towers: ClipTowers,
  tokenizer: ClipTokenizer,
  p: ImagePreprocessing,
): Promise<number> {
  const dir = files.folder;
  const image = await towers.runVision(await greyPixels(p), 1, p.height, p.width);
  const text = await towers.runText(tokenizer.encodeBatch(['a photo', 'a']));
  // [start, the largest id, end]: a vocabulary larger than the embedding table fails here, naming the tokenizer.
  const largest = tokenizer.encodeBatch(['a']);
  largest.ids[1] = tokenizer.largestId;
  await towers.runText(largest).catch((e: unknown) => {
    if (!(e instanceof OnnxFolderError)) throw e;
    throw new OnnxFolderError(
      dir,
      files.tokenizer,
      `its vocabulary (ids up to ${tokenizer.largestId}) does not fit ${files.text}'s embedding table: ${e.problem}`,
    );
  });
  const imageDim = image.length;
  const textDim = text.length / 2;
  if (imageDim !== textDim)
    throw new OnnxFolderError(
      dir,
      files.text,
      `its text_embeds have ${textDim} values but ${files.vision}'s image_embeds ${imageDim}: not one CLIP`,
    );
  for (const [file, values] of [
    [files.vision, image],
    [files.text, text],
  ] as const) {
    if (!values.every(Number.isFinite)) throw new OnnxFolderError(dir, file, 'its embeddings are not finite numbers');
  }
  return imageDim;
}
