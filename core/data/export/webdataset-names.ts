import { join } from 'node:path';

/** WebDataset's key of an item: its id, zero-padded so that keys sort as the shard holds them (no dots). */
export const sampleKey = (itemId: number): string => String(itemId).padStart(9, '0');

/** The name of shard `index` (from 0), as OpenCLIP's examples and webdataset's ShardWriter name them. */
export const shardName = (index: number): string => `shard-${String(index).padStart(6, '0')}.tar`;

/** A shard of an export, or one being written. */
export const SHARD_FILE = /^shard-\d{6}\.tar(\.partial)?$/;

/** The shards as OpenCLIP's --train-data brace pattern (braceexpand syntax), or the one shard's path. */
export function shardPattern(dir: string, count: number): string {
  if (count <= 1) return join(dir, shardName(0));
  return join(dir, `shard-{${'0'.repeat(6)}..${String(count - 1).padStart(6, '0')}}.tar`);
}
