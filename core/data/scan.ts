import { promises as fs, type Dirent, type Stats } from 'node:fs';
import { isImageName } from './formats.ts';
import { pathTooLongReason, shortenPath } from './long-path.ts';

/** A regular file found under the import root. */
export interface ScannedFile {
  /** Path relative to the root with '/' separators; invalid UTF-8 bytes shown as U+FFFD. */
  relPath: string;
  /** The exact relative path bytes when the name is not valid UTF-8, else null. */
  relPathRaw: Buffer | null;
  /** Absolute path to open the file with (bytes, so names that are not UTF-8 still open). */
  absPath: Buffer;
  size: number;
  mtimeMs: number;
}

export interface ScanProblem {
  relPath: string;
  relPathRaw: Buffer | null;
  severity: 'error' | 'warning';
  reason: string;
}

export interface ScanResult {
  images: ScannedFile[];
  /** Relative paths of the `.txt` files seen (sidecar captions). */
  textFiles: Map<string, ScannedFile>;
  problems: ScanProblem[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');
const SLASH = Buffer.from('/');

function displayName(raw: Buffer): { text: string; valid: boolean } {
  try {
    return { text: utf8.decode(raw), valid: true };
  } catch {
    return { text: lossy.decode(raw), valid: false };
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENOENT':
      return 'broken symbolic link (its target does not exist)';
    default:
      return err.message;
  }
}

/**
 * Walks `root` recursively, following symbolic links but never into a loop. Hidden files and
 * folders (dot names) are skipped. Files are returned in a stable, sorted order.
 */
export async function scanFolder(root: string, signal?: AbortSignal): Promise<ScanResult> {
  const result: ScanResult = { images: [], textFiles: new Map(), problems: [] };
  const rootReal = await fs.realpath(root);
  await walk(Buffer.from(rootReal), Buffer.alloc(0), [rootReal], new Set([rootReal]), result, signal);
  result.images.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return result;
}

async function walk(
  absDir: Buffer,
  relDir: Buffer,
  ancestors: string[],
  visited: Set<string>,
  out: ScanResult,
  signal?: AbortSignal,
): Promise<void> {
  let entries: Dirent<Buffer>[];
  try {
    entries = await fs.readdir(absDir, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    const rel = displayName(relDir);
    out.problems.push({
      relPath: rel.text || '.',
      relPathRaw: rel.valid ? null : relDir,
      severity: 'error',
      reason: `cannot read folder: ${describeError(e)}`,
    });
    return;
  }
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const entry of entries) {
    if (signal?.aborted) return;
    if (entry.name[0] === 0x2e) continue; // dot files and folders
    const abs = Buffer.concat([absDir, SLASH, entry.name]);
    const relRaw = relDir.length ? Buffer.concat([relDir, SLASH, entry.name]) : Buffer.from(entry.name);
    const rel = displayName(relRaw);
    const problem = (reason: string, severity: 'error' | 'warning' = 'error') =>
      out.problems.push({ relPath: rel.text, relPathRaw: rel.valid ? null : relRaw, severity, reason });
    let st: Stats;
    try {
      st = entry.isSymbolicLink() ? await fs.stat(abs) : await fs.lstat(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENAMETOOLONG') {
        // Named shortened: the path itself is thousands of characters.
        out.problems.push({
          relPath: shortenPath(rel.text),
          relPathRaw: null,
          severity: 'error',
          reason: pathTooLongReason(abs.length, rel.text.split('/').length, entry.isDirectory()),
        });
      } else if (isImageName(rel.text) || entry.isSymbolicLink() || entry.isDirectory()) problem(describeError(e));
      continue;
    }
    if (st.isDirectory()) {
      const real = await fs.realpath(abs).catch(() => null);
      if (real === null) {
        problem('cannot resolve folder path');
        continue;
      }
      if (ancestors.includes(real)) {
        problem(`symbolic link loop: points back to its own parent folder; not followed`);
        continue;
      }
      if (visited.has(real)) {
        problem('folder already scanned through another path; not scanned twice', 'warning');
        continue;
      }
      visited.add(real);
      await walk(abs, relRaw, [...ancestors, real], visited, out, signal);
      continue;
    }
    const isImage = isImageName(rel.text);
    const isText = rel.text.toLowerCase().endsWith('.txt');
    if (!isImage && !isText) continue;
    if (!st.isFile()) {
      if (isImage) problem('not a regular file (a device, socket or pipe)');
      continue;
    }
    const file: ScannedFile = {
      relPath: rel.text,
      relPathRaw: rel.valid ? null : relRaw,
      absPath: abs,
      size: st.size,
      mtimeMs: st.mtimeMs,
    };
    if (isImage) out.images.push(file);
    else out.textFiles.set(rel.text, file);
  }
}
