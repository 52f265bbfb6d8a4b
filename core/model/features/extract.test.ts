import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { featureCoverage, featureFailures, imagesWithoutFeatures, readFeatures } from '../../store/features.ts';
import type { Lab } from '../../store/lab.ts';
import { createFixtureLab } from '../../store/testing/fixture-lab.ts';
import { UserError } from '../../util/user-error.ts';
import { DEFAULT_BACKBONE } from '../backbones/index.ts';
import { extractFeatures, FeatureViewsError } from './extract.ts';

const BB = DEFAULT_BACKBONE;
const CHILD = fileURLToPath(new URL('./testing/extract-child.ts', import.meta.url));
// In this thread, batches of 2: the worker path is the first test's.
const FAST = { batchSize: 2, threads: 0 };

/** A fixture lab cut to 6 images (24×24 stored pixels, no files on disk: every input comes from the pixels). */
function smallLab(): Lab {
  const lab = createFixtureLab({ perPair: 1 });
  lab.db.prepare('DELETE FROM items WHERE id NOT IN (SELECT id FROM items ORDER BY id LIMIT 6)').run();
  return lab;
}

/** One more image (and item) with the stored pixels of `likeImage`: new content the job has not seen. */
function addImage(lab: Lab, likeImage: number): number {
  const db = lab.db;
  const t = new Date().toISOString();
  const id = Number(
    db
      .prepare(
        `INSERT INTO images (hash, bytes, width, height, format, created_at) VALUES ('late', 1, 24, 24, 'png', ?)`,
      )
      .run(t).lastInsertRowid,
  );
  db.prepare('INSERT INTO pixels (image_id, size, data) SELECT ?, size, data FROM pixels WHERE image_id = ?').run(
    id,
    likeImage,
  );
  db.prepare(
    `INSERT INTO items (root_id, path, image_id, split, status, created_at) SELECT root_id, 'late.png', ?, 'train', 'ok', ? FROM items LIMIT 1`,
  ).run(id, t);
  return id;
}

describe('feature job', () => {
  it('computes every image once, in a worker; a second run does nothing; a new image is the only one computed', async () => {
    const lab = smallLab();
    const seen: number[] = [];
    const first = await extractFeatures(lab, BB, { ...FAST, threads: 1, onProgress: (p) => seen.push(p.done) });
    expect(first).toMatchObject({ status: 'done', computed: 6, fromPixels: 6, failed: 0 });
    expect(first.coverage).toEqual({ images: 6, done: 6, failed: 0 });
    expect(seen.at(-1)).toBe(6);
    expect(imagesWithoutFeatures(lab.db, BB, { after: 0, limit: 100 })).toEqual([]);

    const again = await extractFeatures(lab, BB, { ...FAST, threads: 1 });
    expect(again).toMatchObject({ status: 'done', computed: 0 });

    const firstImage = imagesWithoutFeatures(lab.db, 'other', { after: 0, limit: 1 })[0].imageId;
    const late = addImage(lab, firstImage);
    // In this thread this time: the same content gives the same features as the worker's (within float16).
    const third = await extractFeatures(lab, BB, FAST);
    expect(third.computed).toBe(1);
    const m = readFeatures(lab.db, BB, [firstImage, late]);
    expect(Array.from(m.found)).toEqual([firstImage, late]);
    for (let i = 0; i < m.dim; i++) expect(m.data[m.dim + i]).toBeCloseTo(m.data[i], 2);
    lab.close();
  });

  it('stops when aborted, keeping the finished batches; the next run computes only the rest', async () => {
    const lab = smallLab();
    const abort = new AbortController();
    const cut = await extractFeatures(lab, BB, {
      ...FAST,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done >= 2) abort.abort();
      },
    });
    expect(cut.status).toBe('cancelled');
    const kept = featureCoverage(lab.db, BB).done;
    expect(kept).toBe(cut.computed);
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(6);
    expect(kept % 2).toBe(0);
    const rest = await extractFeatures(lab, BB, FAST);
    expect(rest).toMatchObject({ status: 'done', computed: 6 - kept });
    lab.close();
  });

  it('killed (-9) mid-job, keeps the batches it wrote; the next run computes only the rest', async () => {
    const lab = smallLab();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, lab.path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Killed somewhere inside the batch after the first one written.
        if (/done 2\n/.test(out)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}) before a batch was written: ${out}${err}`)));
    });
    await new Promise((r) => child.once('exit', r));
    const kept = featureCoverage(lab.db, BB).done;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(6);
    expect(kept % 2).toBe(0);
    expect(await extractFeatures(lab, BB, FAST)).toMatchObject({ status: 'done', computed: 6 - kept });
    lab.close();
  });

  it('records an image it cannot read and goes on; later runs skip it', async () => {
    const lab = smallLab();
    const [bad] = imagesWithoutFeatures(lab.db, BB, { after: 0, limit: 1 });
    // No file on disk and damaged stored pixels: nothing to compute its features from.
    lab.db.prepare('UPDATE pixels SET data = ? WHERE image_id = ?').run(Buffer.alloc(10), bad.imageId);
    const r = await extractFeatures(lab, BB, FAST);
    expect(r).toMatchObject({ status: 'done', computed: 5, failed: 1 });
    expect(r.coverage).toEqual({ images: 6, done: 5, failed: 1 });
    const [failure] = featureFailures(lab.db, BB);
    expect(failure.imageId).toBe(bad.imageId);
    expect(failure.reason).toMatch(/stored pixels are damaged/);
    expect(await extractFeatures(lab, BB, FAST)).toMatchObject({ computed: 0, failed: 0 });
    lab.close();
  });

  it('computes the horizontal flip as view 1 only when asked for two views', async () => {
    const lab = smallLab();
    await extractFeatures(lab, BB, FAST);
    const ids = imagesWithoutFeatures(lab.db, 'other', { after: 0, limit: 100 }).map((r) => r.imageId);
    expect(readFeatures(lab.db, BB, ids, 1).found.length).toBe(0);
    const r = await extractFeatures(lab, BB, { ...FAST, views: 2 });
    expect(r.computed).toBe(6);
    const [v0, v1] = [readFeatures(lab.db, BB, ids, 0), readFeatures(lab.db, BB, ids, 1)];
    expect(v1.found.length).toBe(6);
    let diff = 0;
    for (let i = 0; i < v0.data.length; i++) diff += Math.abs(v0.data[i] - v1.data[i]);
    expect(diff / v0.data.length).toBeGreaterThan(1e-3);
    lab.close();
  });

  it('refuses an unknown backbone by listing the names, and a views count it cannot compute', async () => {
    const lab = smallLab();
    const e = await extractFeatures(lab, 'vit_h14', FAST).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toBe(
      "no backbone named 'vit_h14': choose one of mobilenet_v2_mid, mobilenet_v2, inception_v3",
    );
    await expect(extractFeatures(lab, BB, { views: 3 })).rejects.toThrow(FeatureViewsError);
    expect(featureCoverage(lab.db, BB).done).toBe(0);
    lab.close();
  });
});
