import { existsSync, promises as fs } from 'node:fs';
import { UMAP } from 'umap-js';
import { decodeImage, PIXEL_SIZE } from '../../data/decode.ts';
import { mkdirSync } from 'node:fs';
import {
  ANN_MIN_ROWS,
  AnnIndex,
  KnnClassifier,
  chooseSearch,
  measureRecall,
  buildZeroShotClasses,
  combineQuery,
  confusionMatrix,
  fillTemplate,
  looKCurve,
  matrix,
  mulberry32,
  normaliseVector,
  parseQuery,
  topK,
  zeroShot,
  type Matrix,
  type Metric,
} from '../../knn/index.ts';
import { PROMPT_TEMPLATE } from '../../model/config.ts';
import { evaluateModel } from '../../model/evaluate.ts';
import { EmbeddingModel, type ImagePixels } from '../../model/model.ts';
import type { Lab } from '../../store/lab.ts';
import { readEmbeddings, resolveModelId, type EmbeddingMatrix } from '../../store/models.ts';
import { pca2, projectRows } from '../../theory/projection.ts';
import { UserError } from '../../util/user-error.ts';

/** A problem with a search or classification request the user can fix (no model, unknown item, bad query). */
export class SearchError extends UserError {
  override readonly name = 'SearchError';
}

export type ImageRef = { itemId: number } | { base64: string; name?: string } | { file: string };
export type Query = { text: string } | { image: ImageRef } | { expression: string };
export interface Filters {
  label?: string;
  split?: 'train' | 'val' | 'test';
  /** Items whose path (relative to its root) starts with this folder. */
  folder?: string;
}

export interface ItemInfo {
  id: number;
  path: string;
  label: string | null;
  split: 'train' | 'val' | 'test';
}

export interface Hit {
  itemId: number;
  path: string;
  score: number;
  label: string | null;
  caption?: string;
}

/** Zero-shot templates used when none are given: the one training used for label prompts, and the bare label. */
export const ZERO_SHOT_TEMPLATES: readonly string[] = [PROMPT_TEMPLATE, '{}'];

interface Gallery {
  emb: EmbeddingMatrix;
  m: Matrix;
  /** The approximate index, for galleries at or above the engine's ANN threshold. */
  ann?: AnnIndex;
}

export interface EngineOptions {
  /** Image terms of query expressions may name files on disk (the CLI), not only lab items. */
  allowFiles?: boolean;
  /** Galleries with at least this many rows are searched with the persisted ANN index (default ANN_MIN_ROWS). */
  annThreshold?: number;
}

/** Where a lab's ANN indexes live: `<lab>.index/model-<id>-<kind>.usearch` (+ `.json`). */
export function indexPath(lab: Lab, modelId: number, kind: 'image' | 'caption'): string {
  return `${lab.path}.index/model-${modelId}-${kind}.usearch`;
}

/**
 * Search, classification, evaluation and projections over a lab's stored embeddings, with query
 * encoding by the trained model. Galleries and models are cached per model until `invalidate()`.
 */
export class SearchEngine {
  private readonly models = new Map<number, Promise<EmbeddingModel>>();
  private readonly galleries = new Map<string, Gallery>();

  private readonly allowFiles: boolean;
  private readonly annThreshold: number;

  constructor(
    readonly lab: Lab,
    options: EngineOptions = {},
  ) {
    this.allowFiles = options.allowFiles ?? false;
    this.annThreshold = options.annThreshold ?? ANN_MIN_ROWS;
  }

  /**
   * The persisted ANN index of a model's gallery: loaded when it matches the stored embeddings,
   * otherwise built and saved. Null below the size threshold, where exact search is fast enough.
   */
  annIndex(modelId: number, kind: 'image' | 'caption'): AnnIndex | null {
    const g = this.gallery(modelId, kind);
    if (chooseSearch(g.m.rows, this.annThreshold) === 'exact') return null;
    if (!g.ann) {
      const path = indexPath(this.lab, modelId, kind);
      try {
        const loaded = AnnIndex.load(path);
        if (loaded.rows !== g.m.rows || loaded.dim !== g.m.dim) throw new Error('stale');
        g.ann = loaded;
      } catch {
        g.ann = AnnIndex.build(g.m, { metric: 'cosine' });
        mkdirSync(`${this.lab.path}.index`, { recursive: true });
        g.ann.save(path);
      }
    }
    return g.ann;
  }

  /** recall@10 of a model's image index against exact search, on a seeded sample of its own rows. */
  indexReport(modelId: number): { rows: number; method: 'exact' | 'ann'; recallAt10: number | null } {
    const g = this.gallery(modelId, 'image');
    const ann = this.annIndex(modelId, 'image');
    return {
      rows: g.m.rows,
      method: ann ? 'ann' : 'exact',
      recallAt10: ann ? measureRecall(ann, g.m, { k: 10 }).recall : null,
    };
  }

  invalidate(): void {
    this.galleries.clear();
    for (const m of this.models.values()) void m.then((x) => x.dispose()).catch(() => undefined);
    this.models.clear();
  }

  modelId(id?: number): number {
    try {
      return resolveModelId(this.lab.db, id);
    } catch (e) {
      throw new SearchError((e as Error).message);
    }
  }

  model(id: number): Promise<EmbeddingModel> {
    let m = this.models.get(id);
    if (!m) {
      m = EmbeddingModel.load(this.lab, id);
      m.catch(() => this.models.delete(id));
      this.models.set(id, m);
    }
    return m;
  }

  private gallery(modelId: number, kind: 'image' | 'caption'): Gallery {
    const key = `${modelId}:${kind}`;
    let g = this.galleries.get(key);
    if (!g) {
      const emb = readEmbeddings(this.lab.db, modelId, kind);
      if (emb.ids.length === 0) {
        throw new SearchError(
          `model ${modelId} has no ${kind} embeddings yet: run \`nearlab embed --model ${modelId}\``,
        );
      }
      g = { emb, m: matrix(emb.data, emb.ids.length, emb.dim) };
      this.galleries.set(key, g);
    }
    return g;
  }

  items(ids: ArrayLike<number>): Map<number, ItemInfo> {
    const stmt = this.lab.db.prepare(
      `SELECT i.id, i.path, i.split, l.name AS label FROM items i LEFT JOIN labels l ON l.item_id = i.id WHERE i.id = ?`,
    );
    const out = new Map<number, ItemInfo>();
    for (let k = 0; k < ids.length; k++) {
      const row = stmt.get(ids[k]) as ItemInfo | undefined;
      if (row) out.set(row.id, row);
    }
    return out;
  }

  private itemByPath(path: string): number | null {
    const row = this.lab.db
      .prepare(`SELECT id FROM items WHERE path = ? AND status = 'ok' ORDER BY id LIMIT 1`)
      .get(path) as { id: number } | undefined;
    return row?.id ?? null;
  }

  private async pixelsOf(ref: ImageRef): Promise<ImagePixels> {
    if ('itemId' in ref) {
      const row = this.lab.db
        .prepare(`SELECT p.size, p.data FROM items i JOIN pixels p ON p.image_id = i.image_id WHERE i.id = ?`)
        .get(ref.itemId) as { size: number; data: Buffer } | undefined;
      if (!row) throw new SearchError(`no item ${ref.itemId} in this lab`);
      return { size: row.size, data: row.data };
    }
    let bytes: Buffer;
    if ('file' in ref) {
      bytes = await fs.readFile(ref.file).catch((e: Error) => {
        throw new SearchError(`cannot read ${ref.file}: ${e.message}`);
      });
    } else {
      bytes = Buffer.from(ref.base64, 'base64');
    }
    try {
      const d = await decodeImage(bytes);
      return { size: PIXEL_SIZE, data: d.pixels };
    } catch (e) {
      const name = 'file' in ref ? ref.file : (ref.name ?? 'the image');
      throw new SearchError(`${name}: ${(e as Error).message}`);
    }
  }

  /** A unit query vector in the model's joint space. */
  async encodeImage(modelId: number, ref: ImageRef): Promise<Float32Array> {
    if ('itemId' in ref) {
      const g = this.gallery(modelId, 'image');
      const row = g.emb.rowOf.get(ref.itemId);
      if (row !== undefined) return g.emb.data.slice(row * g.emb.dim, (row + 1) * g.emb.dim);
    }
    const model = await this.model(modelId);
    return normaliseVector(model.embedImages([await this.pixelsOf(ref)]));
  }

  async encodeText(modelId: number, text: string): Promise<Float32Array> {
    const model = await this.model(modelId);
    return normaliseVector(model.embedTexts([text]));
  }

  async encodeQuery(modelId: number, q: Query): Promise<Float32Array> {
    if ('text' in q) return this.encodeText(modelId, q.text);
    if ('image' in q) return this.encodeImage(modelId, q.image);
    let terms;
    try {
      terms = parseQuery(q.expression);
    } catch (e) {
      throw new SearchError((e as Error).message);
    }
    const vectors: Float32Array[] = [];
    for (const t of terms) {
      if (t.kind === 'text') {
        vectors.push(await this.encodeText(modelId, t.value));
        continue;
      }
      const itemId = this.itemByPath(t.value.replace(/^\.\//, ''));
      if (itemId !== null) vectors.push(await this.encodeImage(modelId, { itemId }));
      else if (this.allowFiles && existsSync(t.value)) vectors.push(await this.encodeImage(modelId, { file: t.value }));
      else
        throw new SearchError(
          `image ${JSON.stringify(t.value)} is not an item of this lab${this.allowFiles ? ' nor a file' : ''}`,
        );
    }
    return combineQuery(terms, vectors);
  }

  private mask(ids: Int32Array, filters: Filters, itemOf: (id: number) => number): Uint8Array | undefined {
    if (!filters.label && !filters.split && !filters.folder) return undefined;
    const info = this.items([...new Set(Array.from(ids, itemOf))]);
    const folder = filters.folder ? filters.folder.replace(/\/?$/, '/') : null;
    return Uint8Array.from(ids, (id) => {
      const it = info.get(itemOf(id));
      if (!it) return 0;
      if (filters.label && it.label !== filters.label) return 0;
      if (filters.split && it.split !== filters.split) return 0;
      if (folder && !it.path.startsWith(folder)) return 0;
      return 1;
    });
  }

  /** The k nearest images (target 'image') or captions ('caption') of a query, by cosine similarity. */
  async search(q: Query, options: { k: number; target?: 'image' | 'caption'; modelId?: number; filters?: Filters }) {
    const modelId = this.modelId(options.modelId);
    const target = options.target ?? 'image';
    const vector = await this.encodeQuery(modelId, q);
    const g = this.gallery(modelId, target);
    const captionInfo =
      target === 'caption'
        ? new Map(
            (
              this.lab.db.prepare('SELECT id, item_id, text FROM captions').all() as {
                id: number;
                item_id: number;
                text: string;
              }[]
            ).map((c) => [c.id, c]),
          )
        : null;
    const itemOf = (id: number) => (captionInfo ? (captionInfo.get(id)?.item_id ?? -1) : id);
    const result = topK(vector, g.m, Math.min(options.k, g.m.rows), {
      metric: 'cosine',
      filter: this.mask(g.emb.ids, options.filters ?? {}, itemOf),
    });
    const rows = Array.from(result.indices).filter((r) => r >= 0);
    const info = this.items(rows.map((r) => itemOf(g.emb.ids[r])));
    const results: Hit[] = rows.map((r, i) => {
      const it = info.get(itemOf(g.emb.ids[r]))!;
      const hit: Hit = { itemId: it.id, path: it.path, score: 1 - result.distances[i], label: it.label };
      if (captionInfo) hit.caption = captionInfo.get(g.emb.ids[r])!.text;
      return hit;
    });
    return { modelId, results };
  }

  /**
   * Train items with a category label and their image embeddings: the labeled gallery for KNN. A
   * query that is itself a lab item is left out, so it does not vote for its own label.
   */
  private labeledGallery(modelId: number, exclude?: number): { m: Matrix; labels: string[]; itemIds: number[] } {
    const g = this.gallery(modelId, 'image');
    const rows = this.lab.db
      .prepare(
        `SELECT i.id, l.name FROM items i JOIN labels l ON l.item_id = i.id
         WHERE i.status = 'ok' AND i.split = 'train' AND l.name IS NOT NULL ORDER BY i.id`,
      )
      .all() as { id: number; name: string }[];
    const picked = rows.filter((r) => g.emb.rowOf.has(r.id) && r.id !== exclude);
    if (picked.length === 0) throw new SearchError('no labeled train items with embeddings: import labels, then embed');
    const data = new Float32Array(picked.length * g.emb.dim);
    picked.forEach((r, i) => {
      const at = g.emb.rowOf.get(r.id)! * g.emb.dim;
      data.set(g.emb.data.subarray(at, at + g.emb.dim), i * g.emb.dim);
    });
    return {
      m: matrix(data, picked.length, g.emb.dim),
      labels: picked.map((r) => r.name),
      itemIds: picked.map((r) => r.id),
    };
  }

  async classifyKnn(
    image: ImageRef,
    o: { k: number; weights: 'uniform' | 'distance'; metric: Metric; modelId?: number },
  ) {
    const modelId = this.modelId(o.modelId);
    const query = await this.encodeImage(modelId, image);
    const lg = this.labeledGallery(modelId, 'itemId' in image ? image.itemId : undefined);
    const p = new KnnClassifier()
      .fit(lg.m, lg.labels, o.metric)
      .predict(query, { k: o.k, weights: o.weights, metric: o.metric });
    const info = this.items(p.neighbours.map((n) => lg.itemIds[n.row]));
    return {
      modelId,
      label: p.label,
      probabilities: p.probabilities,
      neighbours: p.neighbours.map((n) => {
        const it = info.get(lg.itemIds[n.row])!;
        return { itemId: it.id, path: it.path, distance: n.distance, label: n.label };
      }),
    };
  }

  async classifyZeroShot(image: ImageRef, o: { labels: string[]; templates?: string[]; modelId?: number }) {
    const modelId = this.modelId(o.modelId);
    const query = await this.encodeImage(modelId, image);
    const model = await this.model(modelId);
    const templates = o.templates ?? ZERO_SHOT_TEMPLATES;
    const labels = [...new Set(o.labels.map((l) => l.trim()).filter(Boolean))];
    if (labels.length === 0) throw new SearchError('give at least one label');
    const prompts: Record<string, Float32Array[]> = {};
    for (const label of labels) {
      let texts: string[];
      try {
        texts = templates.map((t) => fillTemplate(t, label));
      } catch (e) {
        throw new SearchError((e as Error).message);
      }
      const v = model.embedTexts(texts);
      prompts[label] = texts.map((_, i) => v.slice(i * model.dim, (i + 1) * model.dim));
    }
    const r = zeroShot(query, buildZeroShotClasses(prompts), model.scale);
    return { modelId, label: r.label, probabilities: r.probabilities, neighbours: [] };
  }

  /** Leave-one-out KNN accuracy for K = 1..maxK on the labeled train items. */
  knnCurve(o: { modelId?: number; metric: Metric; maxK: number }) {
    const modelId = this.modelId(o.modelId);
    const lg = this.labeledGallery(modelId);
    const maxK = Math.min(o.maxK, lg.m.rows - 1);
    if (maxK < 1) throw new SearchError('the KNN curve needs at least 2 labeled train items');
    const curve = looKCurve(lg.m, lg.labels, {
      metric: o.metric,
      kValues: Array.from({ length: maxK }, (_, i) => i + 1),
    });
    return { modelId, points: curve.curve.map((p) => ({ k: p.k, accuracy: p.accuracy })), bestK: curve.bestK };
  }

  /** Retrieval metrics of a split, zero-shot and KNN accuracy, and the KNN confusion matrix. */
  async evaluate(o: { modelId?: number; split: 'train' | 'val' | 'test' }) {
    const modelId = this.modelId(o.modelId);
    const r = await evaluateModel(this.lab, modelId, { split: o.split });
    let confusion: { labels: string[]; matrix: number[][] } | null = null;
    const g = this.gallery(modelId, 'image');
    const queries = (
      this.lab.db
        .prepare(
          `SELECT i.id, l.name FROM items i JOIN labels l ON l.item_id = i.id
           WHERE i.status = 'ok' AND i.split = ? AND l.name IS NOT NULL ORDER BY i.id`,
        )
        .all(o.split) as { id: number; name: string }[]
    ).filter((q) => g.emb.rowOf.has(q.id));
    if (queries.length > 0 && r.knnAccuracy !== undefined) {
      const lg = this.labeledGallery(modelId);
      const clf = new KnnClassifier().fit(lg.m, lg.labels, 'cosine');
      const predicted = queries.map((q) => {
        const at = g.emb.rowOf.get(q.id)! * g.emb.dim;
        return clf.predict(g.emb.data.subarray(at, at + g.emb.dim), { k: r.k }).label;
      });
      const cm = confusionMatrix(
        queries.map((q) => q.name),
        predicted,
      );
      confusion = { labels: [...cm.labels], matrix: cm.matrix.map((row) => [...row]) };
    }
    return {
      modelId,
      t2i: r.t2i,
      i2t: r.i2t,
      knnAccuracy: r.knnAccuracy ?? null,
      zeroShotAccuracy: r.zeroShotAccuracy ?? null,
      confusion,
    };
  }

  /** A 2-D map of image (and caption) embeddings by PCA or UMAP; a deterministic sample above `limit`. */
  projection(o: { modelId?: number; method: 'pca' | 'umap'; modality: 'image' | 'both'; limit: number }) {
    const modelId = this.modelId(o.modelId);
    const img = this.gallery(modelId, 'image');
    const rand = mulberry32(7);
    const sample = (n: number, max: number) => {
      const idx = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      return idx.slice(0, max).sort((a, b) => a - b);
    };
    const imageRows = sample(img.m.rows, o.modality === 'both' ? Math.ceil(o.limit / 2) : o.limit);
    const info = this.items(imageRows.map((r) => img.emb.ids[r]));
    type P = { kind: 'image' | 'caption'; itemId: number; label: string | null; text?: string; vector: Float32Array };
    const pts: P[] = imageRows.map((r) => {
      const it = info.get(img.emb.ids[r])!;
      return {
        kind: 'image',
        itemId: it.id,
        label: it.label,
        vector: img.emb.data.subarray(r * img.emb.dim, (r + 1) * img.emb.dim),
      };
    });
    if (o.modality === 'both') {
      const cap = this.gallery(modelId, 'caption');
      const captions = new Map(
        (
          this.lab.db.prepare('SELECT id, item_id, text FROM captions').all() as {
            id: number;
            item_id: number;
            text: string;
          }[]
        ).map((c) => [c.id, c]),
      );
      const capRows = sample(cap.m.rows, o.limit - pts.length);
      const capInfo = this.items(capRows.map((r) => captions.get(cap.emb.ids[r])!.item_id));
      for (const r of capRows) {
        const c = captions.get(cap.emb.ids[r])!;
        pts.push({
          kind: 'caption',
          itemId: c.item_id,
          label: capInfo.get(c.item_id)?.label ?? null,
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
      const umap = new UMAP({
        nComponents: 2,
        nNeighbors: Math.min(15, pts.length - 1),
        minDist: 0.1,
        random: mulberry32(42),
      });
      const rows = pts.map((p) => Array.from(p.vector));
      xy = umap.fit(rows).flat();
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
        ...(p.text ? { text: p.text } : {}),
      })),
    };
  }
}
