import { createHash } from 'node:crypto';
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { MissingOnnxFilesError, OnnxFolderError } from './errors.ts';

/**
 * The files of a CLIP export in the Hugging Face layout (Optimum, transformers.js): the two encoders under onnx/
 * (or beside the JSON files), the tokenizer and the image preprocessing; config.json and tokenizer_config.json
 * are read when present.
 */
export interface ClipFolderFiles {
  /** The folder, absolute. */
  folder: string;
  /** Paths relative to the folder; one file for both in an export that holds both towers in one graph. */
  vision: string;
  text: string;
  /** True for one model.onnx holding both towers (what `optimum-cli export onnx` writes for a CLIP). */
  combined: boolean;
  tokenizer: string;
  preprocessor: string;
  config: string | null;
  tokenizerConfig: string | null;
  /** Every file the model reads (with external weight files beside the encoders): what a later load checks. */
  all: string[];
}

const REQUIRED = ['onnx/vision_model.onnx', 'onnx/text_model.onnx', 'tokenizer.json', 'preprocessor_config.json'];
/** Where a single graph of both towers may be instead of the two encoders. */
const COMBINED = ['onnx/model.onnx', 'model.onnx'];

/** One recorded file: its size, content hash and modification time when the model was added. */
export interface FileRecord {
  bytes: number;
  sha256: string;
  mtimeMs: number;
}

async function statOf(path: string): Promise<Stats | null> {
  return fs.stat(path).catch(() => null);
}

/** The first of `candidates` that is a regular file in the folder, or null. */
async function firstFile(folder: string, candidates: readonly string[]): Promise<string | null> {
  for (const c of candidates) {
    const st = await statOf(join(folder, c));
    if (st?.isFile()) return c;
  }
  return null;
}

/** Weight files an encoder keeps beside itself (models over 2 GB, or exported that way). */
async function externalData(folder: string, model: string): Promise<string[]> {
  const found: string[] = [];
  for (const suffix of ['_data', '.data']) {
    if ((await statOf(join(folder, model + suffix)))?.isFile()) found.push(model + suffix);
  }
  return found;
}

/**
 * Finds a CLIP export's files in `folder` (the two encoders, or one model.onnx holding both when neither is there);
 * a folder that is not there or lacks required files is one error naming them all.
 */
export async function locateClipFiles(folder: string): Promise<ClipFolderFiles> {
  const abs = resolve(folder);
  const st = await statOf(abs);
  if (!st) throw new OnnxFolderError(abs, '', 'no such folder');
  if (!st.isDirectory()) throw new OnnxFolderError(abs, '', 'not a folder: give the folder of a CLIP export');
  let vision = await firstFile(abs, ['onnx/vision_model.onnx', 'vision_model.onnx']);
  let text = await firstFile(abs, ['onnx/text_model.onnx', 'text_model.onnx']);
  const combined = vision === null && text === null ? await firstFile(abs, COMBINED) : null;
  if (combined) vision = text = combined;
  const tokenizer = await firstFile(abs, ['tokenizer.json']);
  const preprocessor = await firstFile(abs, ['preprocessor_config.json']);
  const found = [vision, text, tokenizer, preprocessor];
  const missing = REQUIRED.filter((_, i) => found[i] === null);
  if (missing.length > 0) throw new MissingOnnxFilesError(abs, missing, REQUIRED, COMBINED[0]);
  const config = await firstFile(abs, ['config.json']);
  const tokenizerConfig = await firstFile(abs, ['tokenizer_config.json']);
  const encoders = combined ? [combined] : [vision!, text!];
  const all: string[] = [];
  for (const e of encoders) all.push(e, ...(await externalData(abs, e)));
  all.push(tokenizer!, preprocessor!, ...[config, tokenizerConfig].filter((f): f is string => f !== null));
  return {
    folder: abs,
    vision: vision!,
    text: text!,
    combined: combined !== null,
    tokenizer: tokenizer!,
    preprocessor: preprocessor!,
    config,
    tokenizerConfig,
    all,
  };
}

/** The sha-256 of a file, read as a stream (encoders are hundreds of megabytes). */
export function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}

/** Size, hash and modification time of each file (relative to `folder`). */
export async function recordFiles(folder: string, files: readonly string[]): Promise<Record<string, FileRecord>> {
  const out: Record<string, FileRecord> = {};
  for (const f of files) {
    const path = join(folder, f);
    const st = await fs.stat(path);
    out[f] = { bytes: st.size, sha256: await sha256File(path), mtimeMs: st.mtimeMs };
  }
  return out;
}

/**
 * How the files differ from their records, one phrase per changed file ("tokenizer.json is gone", "… changed
 * (1200 bytes, was 1100)"); empty when they are as recorded. A file of the recorded size and modification time is
 * taken as unchanged; one whose time alone changed is hashed.
 */
export async function changedFiles(folder: string, records: Record<string, FileRecord>): Promise<string[]> {
  const changes: string[] = [];
  for (const [f, rec] of Object.entries(records)) {
    const path = join(folder, f);
    const st = await statOf(path);
    if (!st?.isFile()) changes.push(`${f} is gone`);
    else if (st.size !== rec.bytes) changes.push(`${f} changed (${st.size} bytes, was ${rec.bytes})`);
    else if (st.mtimeMs !== rec.mtimeMs && (await sha256File(path)) !== rec.sha256)
      changes.push(`${f} changed (same size, other content)`);
  }
  return changes;
}
