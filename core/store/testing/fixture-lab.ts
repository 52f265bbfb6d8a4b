import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../lab.ts';
import { createRng } from '../../util/random.ts';

/**
 * A tiny synthetic lab for tests: coloured shapes on white, captioned "a {colour} {shape}" and
 * labelled by shape, written straight into the lab's tables (no importer, no files on disk).
 */

export const COLOURS: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  green: [30, 180, 60],
  blue: [40, 60, 220],
  yellow: [230, 200, 20],
};
export const SHAPES = ['square', 'disc', 'bar'] as const;

export interface FixtureOptions {
  /** Items per (colour, shape) pair. Default 4. */
  perPair?: number;
  /** Stored pixel size. Default 24. */
  size?: number;
  seed?: number;
  /** Fraction of items in val (and again in test). Default 0.2. */
  holdout?: number;
  path?: string;
}

function draw(shape: string, colour: [number, number, number], size: number, rand: () => number): Buffer {
  const px = Buffer.alloc(size * size * 3, 255);
  const r = size * (0.22 + 0.12 * rand());
  const cx = size / 2 + (rand() - 0.5) * size * 0.3;
  const cy = size / 2 + (rand() - 0.5) * size * 0.3;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const inside =
        shape === 'square'
          ? Math.abs(dx) < r && Math.abs(dy) < r
          : shape === 'disc'
            ? dx * dx + dy * dy < r * r
            : Math.abs(dx) < r * 1.3 && Math.abs(dy) < r * 0.35;
      if (inside) px.set(colour, (y * size + x) * 3);
    }
  }
  return px;
}

export function createFixtureLab(options: FixtureOptions = {}): Lab {
  const path = options.path ?? join(mkdtempSync(join(tmpdir(), 'nearlab-model-')), 'fixture.lab');
  const lab = Lab.open(path);
  const size = options.size ?? 24;
  const perPair = options.perPair ?? 4;
  const holdout = options.holdout ?? 0.2;
  const rand = createRng(options.seed ?? 1).next;
  const t = new Date().toISOString();
  const db = lab.db;
  db.transaction(() => {
    const root = Number(
      db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run('/fixture', t).lastInsertRowid,
    );
    const image = db.prepare(
      `INSERT INTO images (hash, bytes, width, height, format, created_at) VALUES (?, 100, ?, ?, 'png', ?)`,
    );
    const item = db.prepare(
      `INSERT INTO items (root_id, path, image_id, split, size, mtime_ms, status, created_at) VALUES (?, ?, ?, ?, 100, 0, 'ok', ?)`,
    );
    const caption = db.prepare(`INSERT INTO captions (item_id, text, source) VALUES (?, ?, 'captions-file')`);
    const label = db.prepare(`INSERT INTO labels (item_id, name, source) VALUES (?, ?, 'labels-file')`);
    const pixels = db.prepare('INSERT INTO pixels (image_id, size, data) VALUES (?, ?, ?)');
    let n = 0;
    for (let k = 0; k < perPair; k++) {
      for (const [colour, rgb] of Object.entries(COLOURS)) {
        for (const shape of SHAPES) {
          const u = rand();
          const split = u < holdout ? 'val' : u < 2 * holdout ? 'test' : 'train';
          const imageId = Number(image.run(`h${n}`, size, size, t).lastInsertRowid);
          pixels.run(imageId, size, draw(shape, rgb, size, rand));
          const id = Number(item.run(root, `${colour}-${shape}-${k}.png`, imageId, split, t).lastInsertRowid);
          caption.run(id, `a ${colour} ${shape}`);
          label.run(id, shape);
          n++;
        }
      }
    }
  })();
  return lab;
}
