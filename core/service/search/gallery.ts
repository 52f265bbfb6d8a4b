import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  ANN_MIN_ROWS,
  AnnIndex,
  chooseSearch,
  KnnClassifier,
  matrix,
  measureRecall,
  type Matrix,
} from '../../knn/index.ts';
import { NoTextTowerError, type QueryModel } from '../../model/query-model.ts';
import { kindHasText, readModelKind } from '../../model/stored.ts';
import { allCaptions } from '../../store/captions.ts';
import { labeledItemsOfSplit } from '../../store/items.ts';
import type { Lab } from '../../store/lab.ts';
import { readEmbeddings, type EmbeddingMatrix } from '../../store/embeddings.ts';
import { resolveModelId } from '../../store/models.ts';
import { asSearchError, SearchError } from './errors.ts';

export type GalleryKind = 'image' | 'caption';

/** A model's stored embeddings of one kind as a matrix, with its ANN index once one is needed. */
export interface Gallery {
  emb: EmbeddingMatrix;
  m: Matrix;
  ann?: AnnIndex;
}

/** Train items with a category label and their image embeddings: the gallery KNN votes with. */
export interface LabeledGallery {
  m: Matrix;
  labels: string[];
  itemIds: number[];
}

/** The labeled train gallery of a model with a classifier fitted on it and each item's row, kept between calls. */
export interface LabeledIndex {
  gallery: LabeledGallery;
  classifier: KnnClassifier;
  /** item id → row of `gallery`. */
  rowOf: Map<number, number>;
}

/** The embeddings of these ids (each must have one), in this order, as a new matrix. */
export function embeddingRows(emb: EmbeddingMatrix, ids: readonly number[]): Matrix {
  const data = new Float32Array(ids.length * emb.dim);
  ids.forEach((id, i) => {
    const at = emb.rowOf.get(id)! * emb.dim;
    data.set(emb.data.subarray(at, at + emb.dim), i * emb.dim);
  });
  return matrix(data, ids.length, emb.dim);
}

/** Where a lab's ANN indexes live: `<lab>.index/model-<id>-<kind>.usearch` (+ `.json`). */
export function indexPath(lab: Lab, modelId: number, kind: GalleryKind): string {
  return `${lab.path}.index/model-${modelId}-${kind}.usearch`;
}

/**
 * The trained models of one lab and their galleries, loaded on first use and kept until `invalidate()` (after
 * training or embedding changes what is stored).
 */
export class GalleryCache {
  private readonly models = new Map<number, Promise<QueryModel>>();
  private readonly galleries = new Map<string, Gallery>();
  private readonly pairScores = new Map<number, Float32Array>();
  private readonly labeled = new Map<number, LabeledIndex>();
  private readonly texts = new Map<number, boolean>();

  constructor(
    readonly lab: Lab,
    /** Galleries with at least this many rows are searched with the persisted ANN index. */
    readonly annThreshold = ANN_MIN_ROWS,
  ) {}

  invalidate(): void {
    this.galleries.clear();
    this.pairScores.clear();
    this.labeled.clear();
    this.texts.clear();
    for (const m of this.models.values()) void m.then((x) => x.dispose()).catch(() => undefined);
    this.models.clear();
  }

  /** The model `id`, or the newest finished one. */
  modelId(id?: number): number {
    return asSearchError(() => resolveModelId(this.lab.db, id));
  }

  /** Whether model `id` has a text tower (backbone features have none), from its stored row. */
  hasText(id: number): boolean {
    // Kept: reading the model's row (its configuration and history) costs milliseconds, on every text query.
    let t = this.texts.get(id);
    if (t === undefined) {
      t = kindHasText(readModelKind(this.lab.db, id));
      this.texts.set(id, t);
    }
    return t;
  }

  /** Throws NoTextTowerError when model `id` has no text tower (backbone features), before anything is loaded. */
  requireText(id: number): void {
    if (!this.hasText(id)) throw new NoTextTowerError(id);
  }

  model(id: number): Promise<QueryModel> {
    let m = this.models.get(id);
    if (!m) {
      // TF.js (or a backbone, or onnxruntime) loads with the first model, not with the service.
      m = import('../../model/load-query-model.ts').then(({ loadQueryModel }) => loadQueryModel(this.lab, id));
      m.catch(() => this.models.delete(id));
      this.models.set(id, m);
    }
    return m;
  }

  gallery(modelId: number, kind: GalleryKind): Gallery {
    const key = `${modelId}:${kind}`;
    let g = this.galleries.get(key);
    if (!g) {
      if (kind === 'caption') this.requireText(modelId);
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

  /**
   * The labeled train gallery, built once per model and kept until `invalidate()` (a label edit, an import or an
   * embedding run calls it); a query that is itself a lab item (`exclude`) is left out so it cannot vote (that copy
   * is built for the call: classifyKnn masks the row of the cached one instead).
   */
  labeledGallery(modelId: number, exclude?: number): LabeledGallery {
    const { gallery, rowOf } = this.labeledIndex(modelId);
    if (exclude === undefined || !rowOf.has(exclude)) return gallery;
    const keep = gallery.itemIds.map((_, r) => r).filter((r) => gallery.itemIds[r] !== exclude);
    if (keep.length === 0) throw new SearchError('no labeled train items with embeddings: import labels, then embed');
    return {
      m: embeddingRows(
        this.gallery(modelId, 'image').emb,
        keep.map((r) => gallery.itemIds[r]),
      ),
      labels: keep.map((r) => gallery.labels[r]),
      itemIds: keep.map((r) => gallery.itemIds[r]),
    };
  }

  /** The labeled train gallery with a cosine classifier fitted on it (prepared on first use) and its rows by item. */
  labeledIndex(modelId: number): LabeledIndex {
    let l = this.labeled.get(modelId);
    if (!l) {
      const g = this.gallery(modelId, 'image');
      const picked = labeledItemsOfSplit(this.lab.db, 'train').filter((r) => g.emb.rowOf.has(r.itemId));
      if (picked.length === 0)
        throw new SearchError('no labeled train items with embeddings: import labels, then embed');
      const itemIds = picked.map((r) => r.itemId);
      const gallery = { m: embeddingRows(g.emb, itemIds), labels: picked.map((r) => r.label), itemIds };
      l = {
        gallery,
        classifier: new KnnClassifier().fit(gallery.m, gallery.labels, 'cosine'),
        rowOf: new Map(itemIds.map((id, r) => [id, r])),
      };
      this.labeled.set(modelId, l);
    }
    return l;
  }

  /**
   * How well the lab's own captions fit their images under a model: the cosine similarity of each live caption with
   * its item's image, ascending. The yardstick for a query's best match.
   */
  captionImageScores(modelId: number): Float32Array {
    let scores = this.pairScores.get(modelId);
    if (!scores) {
      const img = this.gallery(modelId, 'image').emb;
      const cap = this.gallery(modelId, 'caption').emb;
      const owner = new Map(allCaptions(this.lab.db).map((c) => [c.id, c.itemId]));
      const out: number[] = [];
      for (let r = 0; r < cap.ids.length; r++) {
        const row = img.rowOf.get(owner.get(cap.ids[r]) ?? -1);
        if (row === undefined) continue;
        let dot = 0;
        for (let j = 0; j < cap.dim; j++) dot += cap.data[r * cap.dim + j] * img.data[row * img.dim + j];
        out.push(dot);
      }
      scores = Float32Array.from(out).sort();
      this.pairScores.set(modelId, scores);
    }
    return scores;
  }

  /**
   * The persisted ANN index of a model's gallery: loaded when it matches the stored embeddings, otherwise built
   * and saved. Null below the size threshold, where exact search is fast enough.
   */
  annIndex(modelId: number, kind: GalleryKind): AnnIndex | null {
    const g = this.gallery(modelId, kind);
    if (chooseSearch(g.m.rows, this.annThreshold) === 'exact') return null;
    if (!g.ann) {
      const path = indexPath(this.lab, modelId, kind);
      // The index is of these very vectors: same ids, same values (a re-embedded item keeps the row count).
      const fingerprint = createHash('sha256').update(g.emb.ids).update(g.emb.data).digest('hex');
      try {
        if (readFileSync(`${path}.fingerprint`, 'utf8') !== fingerprint) throw new Error('stale');
        const loaded = AnnIndex.load(path);
        if (loaded.rows !== g.m.rows || loaded.dim !== g.m.dim) throw new Error('stale');
        g.ann = loaded;
      } catch {
        g.ann = AnnIndex.build(g.m, { metric: 'cosine' });
        try {
          mkdirSync(`${this.lab.path}.index`, { recursive: true });
          g.ann.save(path);
          writeFileSync(`${path}.fingerprint`, fingerprint);
        } catch {
          // A lab on a read-only mount (or a full disk): the index serves this session from memory.
        }
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
}
