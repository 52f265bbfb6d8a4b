import { promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { itemFileLocation } from '../store/items.ts';
import type { Db } from '../store/lab.ts';

/**
 * The original file of an item, confined to its import root: a path that resolves (through '..' or a symbolic
 * link) outside the root is refused.
 */
export async function originalFile(db: Db, itemId: number): Promise<string | null> {
  const at = itemFileLocation(db, itemId);
  return at ? confinedPath(at.root, at.path) : null;
}

/** `root/rel` if it exists and its real path stays inside the real root; otherwise null. */
export async function confinedPath(root: string, rel: string): Promise<string | null> {
  if (isAbsolute(rel)) return null;
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(resolve(realRoot, rel));
    const r = relative(realRoot, real);
    if (r === '' || r.startsWith('..') || isAbsolute(r) || r.split(sep).includes('..')) return null;
    return real;
  } catch {
    return null;
  }
}
