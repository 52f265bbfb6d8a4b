import { chmodSync, cpSync, readFileSync, rmSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { labInfo } from '../../core/store/info.ts';
import { Lab } from '../../core/store/lab.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { copySample, makeBadCorpus, makeImage, tempDir, write, SAMPLE_DIR } from '../helpers/corpus.ts';
import sharp from 'sharp';

const SAMPLE_ITEMS = 319;

describe('importing the sample', () => {
  it('stores every image, caption, label and split; a second run changes nothing', async () => {
    const lab = join(tempDir(), 'sample.lab');
    const first = await runCliJson<Record<string, number>>(['import', SAMPLE_DIR, '--lab', lab]);
    expect(first).toMatchObject({ found: SAMPLE_ITEMS, added: SAMPLE_ITEMS - 1, duplicates: 1, errors: 0 });
    const info = await runCliJson<{
      items: number;
      captions: number;
      labels: Record<string, number>;
      splits: Record<string, number>;
      errors: number;
    }>(['info', '--lab', lab]);
    expect(info.items).toBe(SAMPLE_ITEMS);
    expect(info.captions).toBe(SAMPLE_ITEMS);
    expect(Object.keys(info.labels)).toHaveLength(10);
    expect(Object.values(info.labels).reduce((a, b) => a + b, 0)).toBe(SAMPLE_ITEMS);
    expect(info.splits.train + info.splits.val + info.splits.test).toBe(SAMPLE_ITEMS);
    expect(info.splits.val).toBeGreaterThan(10);
    expect(info.splits.test).toBeGreaterThan(10);
    expect(info.errors).toBe(0);

    const second = await runCliJson<Record<string, number>>(['import', SAMPLE_DIR, '--lab', lab]);
    expect(second).toMatchObject({
      added: 0,
      updated: 0,
      duplicates: 0,
      unchanged: SAMPLE_ITEMS,
      missing: 0,
      captionsAdded: 0,
      captionsRemoved: 0,
      labelsSet: 0,
    });
    expect(await runCliJson(['info', '--lab', lab])).toMatchObject({
      items: info.items,
      captions: info.captions,
      splits: info.splits,
    });
  });

  it('stores model-input pixels and a thumbnail per distinct image', async () => {
    const lab = Lab.open(join(tempDir(), 'px.lab'));
    await importFolder(lab, SAMPLE_DIR);
    const px = lab.db.prepare('SELECT size, length(data) AS n FROM pixels').all() as { size: number; n: number }[];
    expect(px).toHaveLength(SAMPLE_ITEMS - 1);
    for (const p of px) expect(p.n).toBe(p.size * p.size * 3);
    const thumb = lab.db.prepare('SELECT data FROM thumbnails LIMIT 1').get() as { data: Buffer };
    expect((await sharp(thumb.data).metadata()).format).toBe('jpeg');
    lab.close();
  });
});

describe('incremental re-import', () => {
  it('updates a changed file in place, marks a deleted one missing and links duplicate content', async () => {
    const dir = copySample();
    const labPath = join(tempDir(), 'inc.lab');
    const lab = Lab.open(labPath);
    await importFolder(lab, dir);
    const itemOf = (path: string) =>
      lab.db.prepare('SELECT id, image_id, split, status FROM items WHERE path = ?').get(path) as {
        id: number;
        image_id: number;
        split: string;
        status: string;
      };
    const listed = readFileSync(join(dir, 'captions.tsv'), 'utf8').split('\n').slice(1, 3);
    const [changed, removed] = listed.map((l) => l.split('\t')[0]);
    const before = itemOf(changed);
    writeFileSync(join(dir, changed), await makeImage('png', 99, 64));
    utimesSync(join(dir, changed), new Date(), new Date(Date.now() + 5000));
    rmSync(join(dir, removed));
    cpSync(join(dir, changed), join(dir, 'images/copy-of-changed.png'));

    const s = await importFolder(lab, dir);
    expect(s).toMatchObject({ added: 0, updated: 1, duplicates: 1, missing: 1 });
    // the captions and labels rows of the deleted file now name a missing image
    expect(s.problems.map((p) => [p.path, p.reason.includes(removed)])).toEqual([
      ['captions.tsv', true],
      ['labels.tsv', true],
    ]);
    const after = itemOf(changed);
    expect(after.id).toBe(before.id);
    expect(after.split).toBe(before.split);
    expect(after.image_id).not.toBe(before.image_id);
    expect(itemOf('images/copy-of-changed.png').image_id).toBe(after.image_id);
    expect(itemOf(removed).status).toBe('missing');
    expect(labInfo(lab.db)).toMatchObject({ items: SAMPLE_ITEMS, missing: 1 });
    // the old content of the changed file is no longer referenced and is dropped
    expect(lab.db.prepare('SELECT count(*) AS n FROM images WHERE id = ?').get(before.image_id)).toEqual({ n: 0 });
    lab.close();
  });

  it('keeps captions when the captions file is not given again, and syncs them when it is', async () => {
    const dir = tempDir();
    write(dir, 'a.png', await makeImage('png', 1));
    write(dir, 'b.png', await makeImage('png', 2));
    const captions = join(tempDir(), 'caps.jsonl');
    writeFileSync(captions, '{"file":"a.png","caption":"one"}\n{"file":"b.png","caption":"two"}\n');
    const lab = Lab.open(join(tempDir(), 'c.lab'));
    expect(await importFolder(lab, dir, { captionsFile: captions })).toMatchObject({ captionsAdded: 2 });
    expect(await importFolder(lab, dir)).toMatchObject({ captionsAdded: 0, captionsRemoved: 0 });
    writeFileSync(captions, '{"file":"a.png","caption":"one"}\n{"file":"b.png","caption":"three"}\n');
    expect(await importFolder(lab, dir, { captionsFile: captions })).toMatchObject({
      captionsAdded: 1,
      captionsRemoved: 1,
    });
    const texts = lab.db.prepare('SELECT text FROM captions ORDER BY text').all();
    expect(texts).toEqual([{ text: 'one' }, { text: 'three' }]);
    lab.close();
  });
});

describe('formats and annotation sources', () => {
  it('reads every supported format, EXIF orientation, sidecars, folder labels and file-name captions', async () => {
    const dir = tempDir();
    const formats = ['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif'] as const;
    for (const [i, f] of formats.entries())
      write(dir, `${f}s/pic_${f}.${f === 'jpeg' ? 'jpg' : f === 'tiff' ? 'tif' : f}`, await makeImage(f, i + 10));
    // 40×20 stored with EXIF orientation 6 (rotate 90°): shown as 20×40
    write(
      dir,
      'rotated/wide-photo.jpg',
      await sharp({ create: { width: 40, height: 20, channels: 3, background: '#c00' } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    );
    const grayAlpha = await sharp(Buffer.alloc(16 * 16 * 2, 128), { raw: { width: 16, height: 16, channels: 2 } })
      .png()
      .toBuffer();
    write(dir, 'pngs/gray_alpha.png', grayAlpha);
    write(
      dir,
      'pngs/palette.png',
      await sharp(await makeImage('png', 77))
        .png({ palette: true, colours: 8 })
        .toBuffer(),
    );
    write(dir, 'pngs/gray_alpha.txt', 'a grey square\nhalf transparent\n');
    const lab = Lab.open(join(tempDir(), 'f.lab'));
    const s = await importFolder(lab, dir, { labelFromFolder: true, captionFromFilename: true, split: 'train' });
    expect(s.errors).toBe(0);
    expect(s.added).toBe(formats.length + 3);
    const rows = lab.db
      .prepare(
        `SELECT i.path, im.format, im.width, im.height, l.name AS label, i.split,
           (SELECT group_concat(text, '|') FROM captions c WHERE c.item_id = i.id) AS captions
         FROM items i JOIN images im ON im.id = i.image_id LEFT JOIN labels l ON l.item_id = i.id ORDER BY i.path`,
      )
      .all() as {
      path: string;
      format: string;
      width: number;
      height: number;
      label: string;
      split: string;
      captions: string;
    }[];
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(new Set(rows.map((r) => r.format))).toEqual(new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'heif']));
    expect(byPath['rotated/wide-photo.jpg']).toMatchObject({
      width: 20,
      height: 40,
      label: 'rotated',
      captions: 'wide photo',
    });
    expect(byPath['pngs/gray_alpha.png'].captions.split('|').sort()).toEqual(['a grey square', 'half transparent']);
    expect(byPath['gifs/pic_gif.gif']).toMatchObject({ label: 'gifs', captions: 'pic gif', split: 'train' });
    lab.close();
  });

  it('reads numeric labels for regression and reports values that are not numbers', async () => {
    const dir = tempDir();
    write(dir, 'a.png', await makeImage('png', 1));
    write(dir, 'b.png', await makeImage('png', 2));
    write(dir, 'labels.csv', 'file,value\na.png,3.5\nb.png,tall\n');
    const lab = Lab.open(join(tempDir(), 'n.lab'));
    const s = await importFolder(lab, dir, { labelType: 'number' });
    expect(s.problems).toEqual([
      expect.objectContaining({ path: 'labels.csv', line: 3, reason: expect.stringMatching(/not a number/) }),
    ]);
    expect(labInfo(lab.db)).toMatchObject({ numericLabels: 1, unlabeled: 1 });
    lab.close();
  });
});

describe('bad input', () => {
  it('records every bad file and row with a reason, imports the rest, and loses nothing', async () => {
    const corpus = await makeBadCorpus();
    const labDir = tempDir();
    const lab = join(labDir, 'bad.lab');
    // Root reads any file, so the unreadable-file case is checked as an ordinary user.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if ('uid' in asUser) {
      for (const d of [corpus.root, labDir]) chmodSync(d, 0o777);
      chmodSync(join(corpus.root, 'good'), 0o755);
      chmodSync(join(corpus.root, 'bad'), 0o755);
    }
    const r = await runCli(['import', corpus.root, '--lab', lab, '--json'], asUser);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as {
      added: number;
      errors: number;
      problems: { path: string; line: number | null; reason: string; severity: string }[];
    };
    expect(s.added).toBe(corpus.goodImages.length);
    for (const [path, reason] of Object.entries(corpus.expectedErrors)) {
      const p = s.problems.find((x) => x.path === path);
      expect(p, `no problem reported for ${path}`).toBeDefined();
      expect(p!.reason).toMatch(reason);
    }
    const csv = (line: number) => s.problems.find((p) => p.path === 'captions.csv' && p.line === line);
    expect(csv(4)).toMatchObject({ severity: 'warning', reason: expect.stringMatching(/duplicate of line 3/) });
    expect(csv(6)?.reason).toMatch(/bad quoting/);
    expect(csv(7)?.reason).toMatch(/missing column/);
    expect(csv(8)?.reason).toMatch(/no image "missing\/none.png"/);
    expect(csv(9)?.reason).toMatch(/characters long/);
    expect(csv(5)).toBeUndefined(); // a blank line is not a problem

    const db = Lab.open(lab, { readonly: true });
    const captions = db.db
      .prepare(
        "SELECT text FROM captions c JOIN items i ON i.id = c.item_id WHERE i.path = 'good/one.png' ORDER BY text",
      )
      .all();
    expect(captions).toEqual([{ text: 'second caption of the first' }, { text: 'the first picture' }]);
    const stored = db.db
      .prepare('SELECT path, status, error FROM items WHERE status = ? ORDER BY path')
      .all('error') as { path: string }[];
    expect(stored.map((x) => x.path).sort()).toEqual(
      Object.keys(corpus.expectedErrors)
        .filter((p) => p !== 'bad/loop')
        .sort(),
    );
    const errorsInLab = db.db.prepare('SELECT count(*) AS n FROM import_errors WHERE severity = ?').get('error') as {
      n: number;
    };
    expect(errorsInLab.n).toBe(s.errors);
    db.db.close();

    const info = await runCliJson<{ items: number; errors: number }>(['info', '--lab', lab]);
    expect(info).toMatchObject({ items: corpus.goodImages.length, errors: s.errors });
  });

  it('stops with one clear message and touches nothing for a bad folder or a file that is not a lab', async () => {
    const dir = tempDir();
    const lab = join(dir, 'x.lab');
    let r = await runCli(['import', join(dir, 'nope'), '--lab', lab]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope does not exist/);
    expect(statSync(lab, { throwIfNoEntry: false })).toBeUndefined();

    writeFileSync(join(dir, 'file.txt'), 'x');
    r = await runCli(['import', join(dir, 'file.txt'), '--lab', lab, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toMatch(/is not a folder/);

    const notLab = join(dir, 'notes.lab');
    writeFileSync(notLab, 'my notes');
    r = await runCli(['import', SAMPLE_DIR, '--lab', notLab]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a Nearlab lab/);
    expect(readFileSync(notLab, 'utf8')).toBe('my notes');

    r = await runCli(['import', SAMPLE_DIR, '--lab', lab, '--holdout', 'lots']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--holdout must be a number/);
  });
});
