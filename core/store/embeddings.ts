import { floatsToBlob } from './floats.ts';
import type { Db } from './lab.ts';

/**
 * Each model's embeddings of the lab's images (by item id) and captions (by caption id) (migration 002); migration
 * 003 drops an embedding when its item's image changes or its item or caption is deleted.
 */

export type EmbeddingKind = 'image' | 'caption';

/** All embeddings of one kind of a model as one matrix: row r belongs to ids[r]. */
export interface EmbeddingMatrix {
  kind: EmbeddingKind;
  dim: number;
  ids: Int32Array;
  data: Float32Array;
  /** id → row. */
  rowOf: Map<number, number>;
}

/** Replaces a model's embeddings of one kind for the given ids (row i of `vectors` belongs to ids[i]). */
export function saveEmbeddings(
  db: Db,
  id: number,
  kind: EmbeddingKind,
  ids: ArrayLike<number>,
  vectors: Float32Array,
  dim: number,
): void {
  checkShape(vectors, ids.length, dim);
  const ins = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, kind, ref_id, vector) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ids.length; i++)
      ins.run(id, kind, ids[i], floatsToBlob(vectors.subarray(i * dim, (i + 1) * dim)));
  })();
}

export function clearEmbeddings(db: Db, id: number): void {
  db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(id);
}

/** A live item to embed: the item and the image content its vector is computed from. */
export interface ItemToEmbed {
  itemId: number;
  imageId: number;
}

export interface CaptionToEmbed {
  id: number;
  text: string;
}

/**
 * Which rows a model embeds next: by default (`all` false) only those without an embedding from it; with `all`,
 * every one. `after` and `limit` page through them in id order.
 */
export interface EmbedPage {
  all: boolean;
  after: number;
  limit: number;
  /** Only items whose image has this backbone's features: all a backbone-features model can embed. */
  withFeatures?: string;
}

const LIVE_ITEM = `i.status = 'ok'`;
/**
 * The same test for the paged queries below: `+` keeps SQLite from planning them through the items_status index,
 * which reads every live item (and its pixels row) and sorts, per page — 44 s a page at 100k items — instead of
 * walking the id range after `@after`.
 */
const LIVE_ITEM_IN_ID_ORDER = `+i.status = 'ok'`;
const noEmbedding = (kind: EmbeddingKind, col: string) =>
  `NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = @model AND e.kind = '${kind}' AND e.ref_id = ${col})`;

/** Live items (with model-input pixels) that model `id` embeds next, in id order. */
export function itemsToEmbed(db: Db, id: number, page: EmbedPage): ItemToEmbed[] {
  const pending = page.all ? '' : ` AND ${noEmbedding('image', 'i.id')}`;
  const featured =
    page.withFeatures === undefined
      ? ''
      : ` AND EXISTS (SELECT 1 FROM features f WHERE f.backbone = @backbone AND f.image_id = i.image_id)`;
  return db
    .prepare(
      `SELECT i.id AS itemId, i.image_id AS imageId FROM items i
       WHERE ${LIVE_ITEM_IN_ID_ORDER} AND i.id > @after AND EXISTS (SELECT 1 FROM pixels p WHERE p.image_id = i.image_id)${featured}${pending}
       ORDER BY i.id LIMIT @limit`,
    )
    .all({
      model: id,
      after: page.after,
      limit: page.limit,
      ...(page.withFeatures === undefined ? {} : { backbone: page.withFeatures }),
    }) as ItemToEmbed[];
}

/** Captions of live items that model `id` embeds next, in id order. */
export function captionsToEmbed(db: Db, id: number, page: EmbedPage): CaptionToEmbed[] {
  const pending = page.all ? '' : ` AND ${noEmbedding('caption', 'c.id')}`;
  return db
    .prepare(
      `SELECT c.id, c.text FROM captions c JOIN items i ON i.id = c.item_id
       WHERE ${LIVE_ITEM_IN_ID_ORDER} AND c.id > @after${pending} ORDER BY c.id LIMIT @limit`,
    )
    .all({ model: id, after: page.after, limit: page.limit }) as CaptionToEmbed[];
}

/** How much of the lab a model covers: live items and captions of live items, and how many of each it embedded. */
export interface EmbeddingCoverage {
  /** Live items with an image embedding from the model, of `items`. */
  images: number;
  items: number;
  /** Captions of live items with an embedding from the model, of `liveCaptions`. */
  captions: number;
  liveCaptions: number;
}

export function embeddingCoverage(db: Db, id: number): EmbeddingCoverage {
  const embedded = (kind: EmbeddingKind, col: string) =>
    `EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = @model AND e.kind = '${kind}' AND e.ref_id = ${col})`;
  return db
    .prepare(
      `SELECT
        (SELECT count(*) FROM items i WHERE ${LIVE_ITEM} AND ${embedded('image', 'i.id')}) AS images,
        (SELECT count(*) FROM items i WHERE ${LIVE_ITEM}) AS items,
        (SELECT count(*) FROM captions c JOIN items i ON i.id = c.item_id
          WHERE ${LIVE_ITEM} AND ${embedded('caption', 'c.id')}) AS captions,
        (SELECT count(*) FROM captions c JOIN items i ON i.id = c.item_id WHERE ${LIVE_ITEM}) AS liveCaptions`,
    )
    .get({ model: id }) as EmbeddingCoverage;
}

/**
 * Stores image embeddings of items, each only if the item still shows the image it was computed from (an import
 * may have changed it meanwhile: that item stays without an embedding, to be embedded again). Returns how many
 * were stored.
 */
export function saveItemEmbeddings(
  db: Db,
  id: number,
  items: readonly ItemToEmbed[],
  vectors: Float32Array,
  dim: number,
): number {
  const sql = `INSERT OR REPLACE INTO embeddings (model_id, kind, ref_id, vector)
     SELECT ?, 'image', id, ? FROM items WHERE id = ? AND image_id = ?`;
  return saveGuarded(db, id, sql, items, (it) => [it.itemId, it.imageId], vectors, dim);
}

/** Stores caption embeddings, each only if its caption still exists with that text. Returns how many were stored. */
export function saveCaptionEmbeddings(
  db: Db,
  id: number,
  captions: readonly CaptionToEmbed[],
  vectors: Float32Array,
  dim: number,
): number {
  const sql = `INSERT OR REPLACE INTO embeddings (model_id, kind, ref_id, vector)
     SELECT ?, 'caption', id, ? FROM captions WHERE id = ? AND text = ?`;
  return saveGuarded(db, id, sql, captions, (c) => [c.id, c.text], vectors, dim);
}

/** Row i of `vectors` for sources[i], in one transaction, through an INSERT … SELECT that checks `guard(source)`. */
function saveGuarded<T>(
  db: Db,
  id: number,
  sql: string,
  sources: readonly T[],
  guard: (source: T) => (number | string)[],
  vectors: Float32Array,
  dim: number,
): number {
  checkShape(vectors, sources.length, dim);
  const ins = db.prepare(sql);
  let stored = 0;
  db.transaction(() => {
    sources.forEach((src, i) => {
      stored += ins.run(id, floatsToBlob(vectors.subarray(i * dim, (i + 1) * dim)), ...guard(src)).changes;
    });
  })();
  return stored;
}

/** Drops a model's embeddings of items that are not live and of captions of items that are not live. */
export function pruneEmbeddings(db: Db, id: number): void {
  db.prepare(
    `DELETE FROM embeddings WHERE model_id = ? AND (
      (kind = 'image' AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = ref_id AND ${LIVE_ITEM}))
      OR (kind = 'caption' AND NOT EXISTS (
        SELECT 1 FROM captions c JOIN items i ON i.id = c.item_id WHERE c.id = ref_id AND ${LIVE_ITEM})))`,
  ).run(id);
}

function checkShape(vectors: Float32Array, n: number, dim: number): void {
  if (vectors.length !== n * dim) throw new Error(`${vectors.length} values for ${n} ${dim}-d embeddings`);
}

/**
 * Every stored embedding of one kind of a model, ordered by id, as one matrix. With `liveOnly`
 * (default) only live items (status 'ok') and their captions are returned.
 */
export function readEmbeddings(
  db: Db,
  id: number,
  kind: EmbeddingKind,
  options: { liveOnly?: boolean } = {},
): EmbeddingMatrix {
  const live = options.liveOnly ?? true;
  const liveItem = (col: string) => `EXISTS (SELECT 1 FROM items i WHERE i.id = ${col} AND i.status = 'ok')`;
  let sql = 'SELECT e.ref_id AS id, e.vector AS v FROM embeddings e';
  if (live && kind === 'image') sql += ` WHERE e.model_id = ? AND e.kind = 'image' AND ${liveItem('e.ref_id')}`;
  else if (live)
    sql += ` JOIN captions c ON c.id = e.ref_id WHERE e.model_id = ? AND e.kind = 'caption' AND ${liveItem('c.item_id')}`;
  else sql += ' WHERE e.model_id = ? AND e.kind = ?';
  sql += ' ORDER BY e.ref_id';
  const params = live ? [id] : [id, kind];
  const rows = db.prepare(sql).all(...params) as { id: number; v: Buffer }[];
  const dim = rows.length > 0 ? rows[0].v.byteLength / 4 : 0;
  const data = new Float32Array(rows.length * dim);
  const ids = new Int32Array(rows.length);
  const rowOf = new Map<number, number>();
  const bytes = new Uint8Array(data.buffer);
  rows.forEach((r, i) => {
    if (r.v.byteLength !== dim * 4)
      throw new Error(`embedding ${kind} ${r.id} of model ${id} has ${r.v.byteLength / 4} values, expected ${dim}`);
    bytes.set(r.v, i * dim * 4);
    ids[i] = r.id;
    rowOf.set(r.id, i);
  });
  return { kind, dim, ids, data, rowOf };
}

/** How many embeddings of each kind a model has stored (live or not). */
export function embeddingCounts(db: Db, id: number): Record<EmbeddingKind, number> {
  const rows = db.prepare('SELECT kind, count(*) AS n FROM embeddings WHERE model_id = ? GROUP BY kind').all(id) as {
    kind: EmbeddingKind;
    n: number;
  }[];
  const out: Record<EmbeddingKind, number> = { image: 0, caption: 0 };
  for (const r of rows) out[r.kind] = r.n;
  return out;
}
