import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage, tempDir, write } from '../../../test/helpers/corpus.ts';
import { Lab } from '../../store/lab.ts';
import { importFolder } from '../import/import-folder.ts';
import { trainMarkdown, trainPlan } from './train-md.ts';
import { csvField, exportWebDataset } from './webdataset.ts';
import { sampleKey, shardName, shardPattern } from './webdataset-names.ts';

/** The members of a tar file in order, read back with tar-stream's parser. */
async function members(file: string): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  const ex = extract();
  Readable.from([readFileSync(file)]).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.push({ name: entry.header.name, data: Buffer.concat(chunks) });
  }
  return out;
}

let photos: string;
let lab: Lab;
let jpegBytes: Buffer;

beforeAll(async () => {
  photos = tempDir('nearlab-wds-photos-');
  jpegBytes = await makeImage('jpeg', 1);
  write(photos, 'a.jpg', jpegBytes);
  // A transparent PNG: re-encoded as JPEG on white.
  write(
    photos,
    'b.png',
    await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer(),
  );
  write(photos, 'c.webp', await makeImage('webp', 3));
  write(photos, 'd.png', await makeImage('png', 4));
  write(photos, 'e.gif', await makeImage('gif', 5));
  writeFileSync(
    join(photos, 'captions.csv'),
    'file,caption\na.jpg,a photo of a cat\na.jpg,a cat on a mat\nb.png,"an empty ""frame"""\nc.webp,a\tgreen\tthing\nd.png,a dog\n',
  );
  writeFileSync(join(photos, 'labels.csv'), 'file,label\na.jpg,cat\nd.png,dog\n');
  lab = Lab.open(join(tempDir('nearlab-wds-lab-'), 'wds.nearlab'));
  await importFolder(lab, photos, { split: 'train' });
});

afterAll(() => lab.close());

describe('exportWebDataset', () => {
  it('writes captioned items as KEY.jpg, KEY.txt, KEY.json samples in key order, shard by shard', async () => {
    const out = join(tempDir('nearlab-wds-'), 'wds');
    const r = await exportWebDataset(lab.db, out, { shardSize: 3 });
    expect(r).toMatchObject({ status: 'done', samples: 4, noCaption: 1, skippedCount: 0, converted: 3 });
    expect(r.shards).toEqual(['shard-000000.tar', 'shard-000001.tar']);
    expect(r.pattern).toBe(join(out, 'shard-{000000..000001}.tar'));
    expect(JSON.parse(readFileSync(join(out, 'sizes.json'), 'utf8'))).toEqual({
      'shard-000000.tar': 3,
      'shard-000001.tar': 1,
    });

    const all = [...(await members(join(out, r.shards[0]))), ...(await members(join(out, r.shards[1])))];
    const keys = all.map((m) => m.name.split('.')[0]);
    expect(all.map((m) => m.name.slice(m.name.indexOf('.')))).toEqual(Array(4).fill(['.jpg', '.txt', '.json']).flat());
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(4);
    expect(keys.every((k) => !k.includes('.') && !k.includes('/'))).toBe(true);

    const byPath = new Map(
      keys
        .filter((_, i) => i % 3 === 0)
        .map((_, s) => {
          const [jpg, txt, json] = all.slice(s * 3, s * 3 + 3);
          const meta = JSON.parse(json.data.toString()) as { path: string; captions: string[] };
          return [meta.path, { jpg: jpg.data, txt: txt.data.toString(), meta }] as const;
        }),
    );
    expect([...byPath.keys()].sort()).toEqual(['a.jpg', 'b.png', 'c.webp', 'd.png']);
    const a = byPath.get('a.jpg')!;
    expect(a.jpg.equals(jpegBytes)).toBe(true);
    expect(a.txt).toBe('a photo of a cat');
    expect(a.meta).toMatchObject({ label: 'cat', split: 'train', captions: ['a photo of a cat', 'a cat on a mat'] });
    const b = byPath.get('b.png')!;
    expect((await sharp(b.jpg).metadata()).format).toBe('jpeg');
    const { data } = await sharp(b.jpg).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeGreaterThan(240); // transparent pixels flattened on white
    expect(b.txt).toBe('an empty "frame"');
    expect(byPath.get('c.webp')!.meta).toMatchObject({ label: null });

    const csv = readFileSync(join(out, 'train.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('filepath\ttitle');
    expect(csv).toHaveLength(5);
    expect(csv).toContain(`${join(photos, 'b.png')}\t"an empty ""frame"""`);
    expect(csv).toContain(`${join(photos, 'c.webp')}\ta green thing`);
    const md = readFileSync(join(out, 'TRAIN.md'), 'utf8');
    expect(md).toContain(`--train-data "$DATA/shard-{000000..000001}.tar"`);
    expect(md).toContain('--train-num-samples 4');
  });

  it('exports one split, replaces the shards of an earlier export, and leaves out unreadable files by name', async () => {
    const out = tempDir('nearlab-wds-');
    writeFileSync(join(out, 'shard-000007.tar'), 'old');
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const gone = join(photos, 'd.png');
    const saved = readFileSync(gone);
    rmSync(gone);
    try {
      const r = await exportWebDataset(lab.db, out, { split: 'train' });
      expect(r).toMatchObject({ samples: 3, skippedCount: 1, shards: ['shard-000000.tar'] });
      expect(r.skipped).toEqual([{ path: gone, reason: 'the file is missing (moved or deleted since the import)' }]);
      expect(r.pattern).toBe(join(out, 'shard-000000.tar'));
      expect(readdirSync(out).sort()).toEqual(['TRAIN.md', 'keep.txt', 'shard-000000.tar', 'sizes.json', 'train.csv']);
    } finally {
      writeFileSync(gone, saved);
    }
    await expect(exportWebDataset(lab.db, out, { split: 'test' })).rejects.toThrow(
      'the lab has no live items in the test split',
    );
  });

  it('keeps no shard when cancelled', async () => {
    const out = tempDir('nearlab-wds-');
    const controller = new AbortController();
    const r = await exportWebDataset(lab.db, out, {
      shardSize: 1,
      signal: controller.signal,
      onProgress: (p) => p.done === 3 && controller.abort(),
    });
    expect(r.status).toBe('cancelled');
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(join(out, 'TRAIN.md'))).toBe(false);
  });

  it('refuses a shard size below one', async () => {
    await expect(exportWebDataset(lab.db, tempDir(), { shardSize: 0 })).rejects.toThrow('--shard-size');
  });
});

describe('names and fields', () => {
  it('pads keys and shard numbers, and writes a brace pattern only for several shards', () => {
    expect(sampleKey(42)).toBe('000000042');
    expect(shardName(12)).toBe('shard-000012.tar');
    expect(shardPattern('/d', 1)).toBe('/d/shard-000000.tar');
    expect(shardPattern('/d', 10)).toBe('/d/shard-{000000..000009}.tar');
  });

  it('keeps a CSV field on one line and quotes it when it holds a double quote', () => {
    expect(csvField('a\tb\r\nc')).toBe('a b c');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });
});

describe('trainPlan and TRAIN.md', () => {
  it('fits the batch to the samples, the workers to the shards, and resamples with fewer shards than GPUs', () => {
    expect(trainPlan(100_000, 100)).toEqual({ batch: 256, workers: 8, warmup: 97, resampled: false });
    expect(trainPlan(319, 4)).toEqual({ batch: 4, workers: 1, warmup: 19, resampled: false });
    expect(trainPlan(10, 1)).toMatchObject({ batch: 1, workers: 1, resampled: true });
  });

  it('holds the torchrun command with the export’s numbers and the way back', () => {
    const md = trainMarkdown({ dir: '/data/wds', pattern: '/data/wds/shard-000000.tar', samples: 10, shards: 1 });
    expect(md).toContain('torchrun --nproc_per_node 4 -m open_clip_train.main');
    expect(md).toContain('--train-data "$DATA/shard-000000.tar"');
    expect(md).toContain('--dataset-resampled');
    expect(md).toContain('scripts/openclip-to-onnx.py --model ViT-B-32');
    expect(md).toContain('nearlab model add nearlab-wds-onnx');
  });
});
