import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DEFAULT_MAX_PIXELS, ImageDecodeError, decodeImage, type DecodedImage } from '../decode.ts';
import { contentRefusal } from '../image-support.ts';
import type { ScannedFile } from '../scan.ts';

/** Largest image file read; a bigger one is reported instead of filling memory. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** A file read and hashed, decoded unless its content is in the lab already; or why it could not be. */
export interface DecodedFile {
  file: ScannedFile;
  hash?: string;
  decoded?: DecodedImage;
  error?: string;
}

export interface DecodeFilesOptions {
  /** Files read and decoded at once (default: twice the cores, at least 4). */
  concurrency?: number;
  maxPixels?: number;
  /** Stops taking new files; those in flight finish. */
  signal?: AbortSignal;
  /** Content already in the lab is hashed but not decoded again. */
  isKnown: (hash: string) => boolean;
  /** Finished files are handed on once at least this many are ready in scan order. */
  batchSize: number;
  /** Receives the finished files in scan order, a batch at a time, and the rest at the end. */
  onBatch: (batch: DecodedFile[]) => void;
  onProgress: (done: number, total: number) => void;
}

/**
 * Files started but not handed on yet are at most this many (a few batches and those in flight),
 * so memory stays bounded whatever the folder's size, even while one slow file holds the others back.
 */
export function decodeWindow(batchSize: number, concurrency: number): number {
  return 4 * batchSize + concurrency;
}

/**
 * Reads, hashes and decodes images on a bounded pool (sharp decodes on its own threads, so a few
 * files in flight keep both cores busy). Identical content in two files is decoded once.
 */
export async function decodeFiles(files: readonly ScannedFile[], options: DecodeFilesOptions): Promise<void> {
  const concurrency = options.concurrency ?? Math.max(4, availableParallelism() * 2);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const window = decodeWindow(options.batchSize, concurrency);
  // Decodes of the files in the window, by content hash: once a file is handed on, its content is
  // in the lab (isKnown) or failed, and the decode is dropped.
  const decodes = new Map<string, Promise<DecodedImage | string>>();
  let pending: DecodedFile[] = [];
  let handedOn = 0;
  let done = 0;
  let next = 0;
  let waiting: (() => void)[] = [];
  const wakeWaiting = () => {
    const wake = waiting;
    waiting = [];
    for (const w of wake) w();
  };
  options.onProgress(0, files.length);

  const flush = () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    options.onBatch(batch);
    handedOn += batch.length;
    for (const r of batch) if (r.hash !== undefined) decodes.delete(r.hash);
  };

  const decodeOne = async (file: ScannedFile): Promise<DecodedFile> => {
    if (file.size > MAX_FILE_BYTES) return { file, error: `file is larger than ${MAX_FILE_BYTES / 2 ** 20} MiB` };
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file.absPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return {
        file,
        error:
          code === 'EACCES' || code === 'EPERM'
            ? 'cannot read the file (permission denied)'
            : `cannot read the file (${(e as Error).message})`,
      };
    }
    if (bytes.length === 0) return { file, error: 'empty file (0 bytes)' };
    const refused = contentRefusal(bytes, file.relPath);
    if (refused !== null) return { file, error: refused };
    // WebCrypto hashes on the libuv pool, keeping the main thread free to feed the decoders.
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)).toString('hex');
    if (options.isKnown(hash)) return { file, hash };
    let decode = decodes.get(hash);
    if (!decode) {
      decode = decodeImage(bytes, maxPixels).catch((e: unknown) =>
        e instanceof ImageDecodeError ? e.message : `cannot decode image (${(e as Error).message})`,
      );
      decodes.set(hash, decode);
    }
    const result = await decode;
    return typeof result === 'string' ? { file, hash, error: result } : { file, hash, decoded: result };
  };

  // Results are handed on in scan order, whatever order they finish in, so that item ids and the
  // summary's counts (which of two identical new files is the duplicate) do not depend on timing.
  const finished = new Map<number, DecodedFile>();
  let written = 0;
  const worker = async () => {
    while (next < files.length && !options.signal?.aborted) {
      if (next >= handedOn + window) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const index = next++;
      finished.set(index, await decodeOne(files[index]));
      while (finished.has(written)) {
        pending.push(finished.get(written)!);
        finished.delete(written++);
      }
      done++;
      if (pending.length >= options.batchSize) flush();
      options.onProgress(done, files.length);
      wakeWaiting();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  flush();
}
