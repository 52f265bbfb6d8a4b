import { promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { itemFileLocation } from '../store/items.ts';
import type { Db } from '../store/lab.ts';
import { FileDeadlineError, NotRegularFileError, openRegularFile, type OpenedFile } from '../util/regular-file.ts';

/** Why an item's original file cannot be served; `reason` is short and names the file by its path in the lab. */
export interface MediaRefusal {
  refused: 'no-item' | 'gone' | 'not-found' | 'unreadable';
  reason: string;
}

/** An item's original file, open: its real path (inside the import root) and the handle to read (caller closes). */
export interface OpenedOriginal {
  path: string;
  file: OpenedFile;
}

type Confined = { path: string } | { refused: 'outside' | 'gone' | 'broken-link' | 'unreadable'; code?: string };

const errorCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

function describeCode(code: string | undefined): string {
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  return code ?? 'error';
}

/** Whether `path` lies strictly inside `root` (both absolute). */
function inside(root: string, path: string): boolean {
  const r = relative(root, path);
  return !(r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..'));
}

/**
 * Where `root/rel` really is, if it stays inside the real root. A path that leaves the root by its letters is
 * refused before the disk is asked, so no answer says whether something outside the root exists.
 */
async function confine(root: string, rel: string): Promise<Confined> {
  if (isAbsolute(rel) || !inside(resolve(root), resolve(root, rel))) return { refused: 'outside' };
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (e) {
    return errorCode(e) === 'ENOENT' ? { refused: 'gone' } : { refused: 'unreadable', code: errorCode(e) };
  }
  try {
    const real = await fs.realpath(resolve(realRoot, rel));
    return inside(realRoot, real) ? { path: real } : { refused: 'outside' };
  } catch (e) {
    const code = errorCode(e);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { refused: 'unreadable', code };
    // The path itself still there (a link to nowhere) is not "gone": the link's target is not ours to describe.
    const link = await fs.lstat(resolve(realRoot, rel)).catch(() => null);
    return link ? { refused: 'broken-link' } : { refused: 'gone' };
  }
}

/** `root/rel` if it exists and its real path stays inside the real root; otherwise null. */
export async function confinedPath(root: string, rel: string): Promise<string | null> {
  const c = await confine(root, rel);
  return 'path' in c ? c.path : null;
}

function refusalOfOpen(rel: string, e: unknown): MediaRefusal {
  if (e instanceof NotRegularFileError)
    return { refused: 'not-found', reason: `${rel} is not a regular file (it is a ${e.kind})` };
  if (e instanceof FileDeadlineError) return { refused: 'unreadable', reason: `cannot read ${rel} (timed out)` };
  const code = errorCode(e);
  if (code === 'ENOENT') return { refused: 'gone', reason: `${rel} is gone` };
  return { refused: 'unreadable', reason: `cannot read ${rel} (${describeCode(code)})` };
}

/**
 * Opens the original file of an item, confined to its import root (a path that resolves, through '..' or a
 * symbolic link, outside the root is refused as not found) and only if it is a regular file, without waiting
 * on a named pipe. Anything else is a refusal saying why.
 */
export async function openOriginalFile(db: Db, itemId: number): Promise<OpenedOriginal | MediaRefusal> {
  const at = itemFileLocation(db, itemId);
  if (!at) return { refused: 'no-item', reason: 'no such file' };
  const c = await confine(at.root, at.path);
  if ('refused' in c) {
    if (c.refused === 'gone') return { refused: 'gone', reason: `${at.path} is gone` };
    if (c.refused === 'broken-link') return { refused: 'not-found', reason: `${at.path} is a broken link` };
    if (c.refused === 'unreadable')
      return { refused: 'unreadable', reason: `cannot read ${at.path} (${describeCode(c.code)})` };
    return { refused: 'not-found', reason: 'not found' };
  }
  try {
    return { path: c.path, file: await openRegularFile(c.path) };
  } catch (e) {
    return refusalOfOpen(at.path, e);
  }
}

/** The original file of an item, confined to its import root, if it is a readable regular file; otherwise null. */
export async function originalFile(db: Db, itemId: number): Promise<string | null> {
  const opened = await openOriginalFile(db, itemId);
  if ('refused' in opened) return null;
  await opened.file.handle.close();
  return opened.path;
}
