import { floatsToBlob } from './floats.ts';
import type { Db } from './lab.ts';

/** Each model's embeddings of the lab's images (by item id) and captions (by caption id) (migration 002). */

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
  if (vectors.length !== ids.length * dim)
    throw new Error(`${vectors.length} values for ${ids.length} ${dim}-d embeddings`);
  const ins = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, kind, ref_id, vector) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ids.length; i++)
      ins.run(id, kind, ids[i], floatsToBlob(vectors.subarray(i * dim, (i + 1) * dim)));
  })();
}

export function clearEmbeddings(db: Db, id: number): void {
  db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(id);
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
