import type { Results } from '../../api/contract.ts';
import { createRng, shuffleInPlace, type Rng } from '../../util/random.ts';
import { allCaptions } from '../../store/captions.ts';
import { itemInfos } from '../../store/items.ts';
import { pca2, projectRows } from '../../theory/projection.ts';
import type { SearchContext } from './context.ts';
import { umapLayoutOffThread } from './umap.ts';

export interface ProjectionOptions {
  modelId?: number;
  method: 'pca' | 'umap';
  modality: 'image' | 'both';
  limit: number;
}

type Point = Results['projection']['points'][number];

/** Up to `max` of the indices 0..n-1, a seeded random sample, in increasing order. */
function sampleRows(n: number, max: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(idx, rng);
  return idx.slice(0, max).sort((a, b) => a - b);
}

/**
 * A 2-D map of image (and caption) embeddings by PCA or UMAP (on a worker thread); a deterministic sample above
 * `limit`.
 */
export async function projection(ctx: SearchContext, o: ProjectionOptions): Promise<Results['projection']> {
  const db = ctx.lab.db;
  const modelId = ctx.cache.modelId(o.modelId);
  const img = ctx.cache.gallery(modelId, 'image');
  const rng = createRng(7);
  const imageRows = sampleRows(img.m.rows, o.modality === 'both' ? Math.ceil(o.limit / 2) : o.limit, rng);
  const info = itemInfos(
    db,
    imageRows.map((r) => img.emb.ids[r]),
  );
  const pts: (Omit<Point, 'x' | 'y'> & { vector: Float32Array })[] = imageRows.map((r) => {
    const it = info.get(img.emb.ids[r])!;
    return {
      kind: 'image',
      itemId: it.id,
      label: it.label,
      split: it.split,
      vector: img.emb.data.subarray(r * img.emb.dim, (r + 1) * img.emb.dim),
    };
  });
  if (o.modality === 'both') {
    const cap = ctx.cache.gallery(modelId, 'caption');
    const captions = new Map(allCaptions(db).map((c) => [c.id, c]));
    const capRows = sampleRows(cap.m.rows, o.limit - pts.length, rng);
    const capInfo = itemInfos(
      db,
      capRows.map((r) => captions.get(cap.emb.ids[r])!.itemId),
    );
    for (const r of capRows) {
      const c = captions.get(cap.emb.ids[r])!;
      const item = capInfo.get(c.itemId);
      if (!item) continue;
      pts.push({
        kind: 'caption',
        itemId: c.itemId,
        label: item.label,
        split: item.split,
        text: c.text,
        vector: cap.emb.data.subarray(r * cap.emb.dim, (r + 1) * cap.emb.dim),
      });
    }
  }
  const dim = img.emb.dim;
  const X = new Float32Array(pts.length * dim);
  pts.forEach((p, i) => X.set(p.vector, i * dim));
  let xy: ArrayLike<number>;
  if (o.method === 'pca' || pts.length < 4) {
    xy = projectRows(pca2(X, pts.length, dim), X, pts.length);
  } else {
    xy = await umapLayoutOffThread({ data: X, rows: pts.length, dim, seed: 42 });
  }
  return {
    modelId,
    method: o.method,
    points: pts.map((p, i) => ({
      x: xy[2 * i],
      y: xy[2 * i + 1],
      kind: p.kind,
      itemId: p.itemId,
      label: p.label,
      split: p.split,
      ...(p.text ? { text: p.text } : {}),
    })),
  };
}
