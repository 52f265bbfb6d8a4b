import { createHash } from 'node:crypto';
import type { Split } from '../api/types.ts';

/**
 * Deterministic holdout from the content hash: a fraction `holdout` of items goes to val and the
 * same fraction to test. The same content always lands in the same split, whatever its name or
 * the import order.
 */
export function holdoutSplit(contentHash: string, holdout: number): Split {
  const h = createHash('sha256').update('nearlab-split:').update(contentHash).digest();
  const u = h.readUInt32BE(0) / 2 ** 32;
  if (u < holdout) return 'val';
  if (u < 2 * holdout) return 'test';
  return 'train';
}
