/**
 * `nearlab export --format webdataset`: the lab's captioned images as the tar shards OpenCLIP's distributed trainer
 * reads (WebDataset layout), a train.csv for its CSV loader, sizes.json, and TRAIN.md with the commands to train on
 * a cluster and bring the model back to Nearlab.
 *
 * WebDataset groups a shard's members into samples by key, the member name up to its first dot, and expects a
 * sample's members next to each other: each sample here is KEY.jpg, KEY.txt (its caption) and KEY.json, keys are
 * the item ids zero-padded (no dots), in id order. OpenCLIP drops a sample without a .txt, so items without a
 * caption are left out (and counted); an item with several captions gets the first in KEY.txt and all of them in
 * KEY.json.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Progress, Split } from '../../api/types.ts';
import { firstCaptions } from '../../store/captions.ts';
import { listItems } from '../../store/items.ts';
import type { Db } from '../../store/lab.ts';
import { sniffFormat } from '../content-type.ts';
import { DEFAULT_MAX_PIXELS } from '../decode.ts';
import { RateMeter } from '../progress.ts';
import { ExportError, makeOutputFolder } from './folder.ts';
import { ShardWriter } from './shard-writer.ts';
import { trainMarkdown } from './train-md.ts';
import { SHARD_FILE, sampleKey, shardName, shardPattern } from './webdataset-names.ts';

export const DEFAULT_SHARD_SIZE = 1000;
/** Quality of the JPEG written for an image that is not a JPEG already. */
export const JPEG_QUALITY = 90;
/** How many skipped files the result lists by name (all are counted). */
const SKIPPED_LISTED = 20;
const PAGE = 256;

export interface WebDatasetOptions {
  /** Only the items of this split (default: every split; each sample's KEY.json says its split). */
  split?: Split;
  /** Samples per shard. */
  shardSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface WebDatasetResult {
  status: 'done' | 'cancelled';
  out: string;
  /** Samples written (the value for OpenCLIP's --train-num-samples). */
  samples: number;
  shards: string[];
  /** OpenCLIP's --train-data: the shards as one brace pattern. */
  pattern: string;
  /** Images that were not JPEG files and were re-encoded (the others are copied byte for byte). */
  converted: number;
  /** Live items without a caption: OpenCLIP would drop them, so they are left out. */
  noCaption: number;
  /** Files that could not be read or converted, left out: the count, and the first few with the reason. */
  skippedCount: number;
  skipped: { path: string; reason: string }[];
  files: { csv: string; sizes: string; trainMd: string };
}

/**
 * A field of OpenCLIP's train.csv (pandas.read_csv, tab-separated): tabs and line breaks become spaces, and a field
 * with a double quote is quoted, its quotes doubled, as the CSV dialect pandas reads.
 */
export function csvField(v: string): string {
  const flat = v.replace(/[\t\r\n]+/g, ' ');
  return flat.includes('"') ? `"${flat.replace(/"/g, '""')}"` : flat;
}

const WHITE = { r: 255, g: 255, b: 255 };

/**
 * The image as JPEG bytes: a JPEG file as it is (no second lossy encoding) unless its EXIF orientation rotates it,
 * anything else (and a rotated JPEG) decoded by sharp, turned upright, flattened on white and encoded at quality 90.
 */
export async function jpegOf(bytes: Buffer): Promise<{ data: Buffer; converted: boolean }> {
  const options = { limitInputPixels: DEFAULT_MAX_PIXELS, failOn: 'error' as const, animated: false };
  if (sniffFormat(bytes) === 'jpeg') {
    const { orientation } = await sharp(bytes, options).metadata();
    if (orientation === undefined || orientation === 1) return { data: bytes, converted: false };
  }
  const data = await sharp(bytes, options)
    .rotate()
    .flatten({ background: WHITE })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  return { data, converted: true };
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'the file is missing (moved or deleted since the import)';
  if (err.code === 'EACCES') return 'no permission to read it';
  return err.message.split('\n')[0];
}

/** Removes the shards of an earlier export in the folder (only names of the shard pattern), so none are mixed in. */
async function removeOldShards(dir: string): Promise<void> {
  for (const name of await readdir(dir)) if (SHARD_FILE.test(name)) await rm(join(dir, name), { force: true });
}

export async function exportWebDataset(
  db: Db,
  dir: string,
  options: WebDatasetOptions = {},
): Promise<WebDatasetResult> {
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new ExportError(`--shard-size must be a whole number ≥ 1`);
  const { total } = listItems(db, { offset: 0, limit: 0, split: options.split });
  if (total === 0) {
    throw new ExportError(
      options.split ? `the lab has no live items in the ${options.split} split` : 'the lab has no live items',
    );
  }
  makeOutputFolder(dir);
  await removeOldShards(dir);

  const mtime = new Date();
  const meter = new RateMeter();
  const shards: string[] = [];
  const sizes: Record<string, number> = {};
  const csv = ['filepath\ttitle'];
  const skipped: WebDatasetResult['skipped'] = [];
  let skippedCount = 0;
  let converted = 0;
  let noCaption = 0;
  let samples = 0;
  let done = 0;
  let shard: ShardWriter | null = null;
  let inShard = 0;
  let cancelled = false;

  const closeShard = async () => {
    if (!shard) return;
    await shard.close();
    sizes[shardName(shards.length - 1)] = inShard;
    shard = null;
    inShard = 0;
  };

  // A stopped or failed export keeps none of its shards: a partial set would train on part of the lab unawares.
  const discard = async () => {
    await (shard as ShardWriter | null)?.abort();
    shard = null;
    for (const name of shards) await rm(join(dir, name), { force: true });
  };

  try {
    pages: for (let offset = 0; offset < total; offset += PAGE) {
      const page = listItems(db, { offset, limit: PAGE, split: options.split }).items;
      if (page.length === 0) break;
      const first = firstCaptions(
        db,
        page.map((i) => i.id),
      );
      for (const item of page) {
        if (options.signal?.aborted) {
          cancelled = true;
          break pages;
        }
        done++;
        options.onProgress?.(meter.measure('shards', done, total));
        const caption = first.get(item.id);
        if (caption === undefined) {
          noCaption++;
          continue;
        }
        const file = join(item.root, item.path);
        let image: { data: Buffer; converted: boolean };
        try {
          image = await jpegOf(await readFile(file));
        } catch (e) {
          skippedCount++;
          if (skipped.length < SKIPPED_LISTED) skipped.push({ path: file, reason: describe(e) });
          continue;
        }
        if (!shard) {
          shards.push(shardName(shards.length));
          shard = new ShardWriter(join(dir, shards[shards.length - 1]), mtime);
        }
        const key = sampleKey(item.id);
        const meta = {
          item: item.id,
          path: item.path,
          label: item.label ?? item.value,
          split: item.split,
          // The first (oldest) caption first, as in KEY.txt.
          captions: [caption, ...item.captions.filter((c) => c !== caption)],
        };
        await shard.add(`${key}.jpg`, image.data);
        await shard.add(`${key}.txt`, Buffer.from(caption));
        await shard.add(`${key}.json`, Buffer.from(JSON.stringify(meta)));
        csv.push(`${csvField(file)}\t${csvField(caption)}`);
        if (image.converted) converted++;
        samples++;
        if (++inShard === shardSize) await closeShard();
      }
    }
    if (cancelled) await discard();
    else await closeShard();
  } catch (e) {
    await discard();
    throw e;
  }

  const files = { csv: join(dir, 'train.csv'), sizes: join(dir, 'sizes.json'), trainMd: join(dir, 'TRAIN.md') };
  const pattern = shardPattern(dir, shards.length);
  const result: WebDatasetResult = {
    status: cancelled ? 'cancelled' : 'done',
    out: dir,
    samples,
    shards,
    pattern,
    converted,
    noCaption,
    skippedCount,
    skipped,
    files,
  };
  if (cancelled) return result;
  if (samples === 0) {
    throw new ExportError(
      noCaption > 0
        ? `none of the ${total} items has a caption: OpenCLIP trains on image–caption pairs (import captions first)`
        : `none of the ${total} items could be read: ${skipped[0]?.path}: ${skipped[0]?.reason}`,
    );
  }
  const write = async (path: string, text: string) => {
    try {
      await writeFile(path, text);
    } catch (e) {
      throw new ExportError(`cannot write ${path}: ${(e as Error).message}`);
    }
  };
  await write(files.csv, `${csv.join('\n')}\n`);
  await write(files.sizes, `${JSON.stringify(sizes, null, 1)}\n`);
  await write(files.trainMd, trainMarkdown({ dir, pattern, samples, shards: shards.length, split: options.split }));
  return result;
}
