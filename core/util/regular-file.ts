import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { withDeadline } from './deadline.ts';
import { UserError } from './user-error.ts';

/**
 * Opening user-named and imported files safely. A path may name a folder, a device or a named pipe instead of the
 * file it once was; a plain open of a pipe blocks (a thread of Node's small I/O pool) until someone writes to it.
 * So: open without blocking, look at what was opened (fstat, so the answer is about the file we hold, not a
 * path that may change again), refuse anything that is not a regular file, and give up after a deadline.
 */

/** How long opening (or opening and reading) a file may take before it is refused. */
export const FILE_DEADLINE_MS = 10_000;

/** O_NONBLOCK makes open() of a named pipe return at once; regular files ignore it. Windows has no such flag. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'named pipe';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'special file';
}

export class NotRegularFileError extends UserError {
  override readonly name = 'NotRegularFileError';
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is not a regular file (it is a ${kind})`);
  }
}

export class FileTooLargeError extends UserError {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly path: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`${path} is ${size} bytes, more than the ${maxBytes} allowed`);
  }
}

export class FileDeadlineError extends UserError {
  override readonly name = 'FileDeadlineError';
  constructor(
    readonly path: string,
    ms: number,
  ) {
    super(`${path} could not be read within ${ms / 1000} s`);
  }
}

export interface OpenedFile {
  handle: FileHandle;
  /** Its size when it was opened. */
  size: number;
}

export interface FileOptions {
  /** Default FILE_DEADLINE_MS. */
  deadlineMs?: number;
}

async function openChecked(path: string): Promise<OpenedFile> {
  const handle = await open(path, OPEN_FLAGS);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new NotRegularFileError(path, kindOf(st));
    return { handle, size: st.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Opens `path` for reading if it is a regular file. Refuses anything else with NotRegularFileError, and an open
 * that takes longer than the deadline with FileDeadlineError; system errors (ENOENT, EACCES, …) pass through.
 * The caller closes the handle.
 */
export function openRegularFile(path: string, options: FileOptions = {}): Promise<OpenedFile> {
  const ms = options.deadlineMs ?? FILE_DEADLINE_MS;
  return withDeadline(
    openChecked(path),
    ms,
    () => new FileDeadlineError(path, ms),
    (late) => void late.handle.close(),
  );
}

async function readChecked(path: string, maxBytes: number): Promise<Buffer> {
  const { handle, size } = await openChecked(path);
  try {
    if (size > maxBytes) throw new FileTooLargeError(path, size, maxBytes);
    // One byte more than fstat said, so the end is seen in one read; a file that grew is read on, to the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (let room = size + 1; ; room = 64 * 1024) {
      const chunk = Buffer.alloc(room);
      const { bytesRead } = await handle.read(chunk, 0, room, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new FileTooLargeError(path, total, maxBytes);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** The bytes of `path` if it is a regular file of at most `maxBytes` (FileTooLargeError otherwise); see openRegularFile. */
export function readRegularFile(path: string, options: FileOptions & { maxBytes?: number } = {}): Promise<Buffer> {
  const ms = options.deadlineMs ?? FILE_DEADLINE_MS;
  return withDeadline(readChecked(path, options.maxBytes ?? Infinity), ms, () => new FileDeadlineError(path, ms));
}
