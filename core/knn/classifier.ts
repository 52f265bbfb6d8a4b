import { KnnArgumentError, KnnError, ShapeError } from './errors.ts';
import { encodeLabels, type EncodedLabels } from './labels.ts';
import { asQueryMatrix, type Matrix } from './matrix.ts';
import type { Metric } from './metrics.ts';
import { checkK, prepareGallery, searchPrepared, type PreparedGallery, type TopKResult } from './topk.ts';
import { neighbourWeights, vote, type Weights } from './vote.ts';

export interface PredictOptions {
  /** Number of neighbours (default 5); K ≥ n uses every gallery row. */
  k?: number;
  /** 'uniform' (default) or 'distance' (1/d, as sklearn). */
  weights?: Weights;
  /** Default: the metric given to fit(), else 'cosine'. */
  metric?: Metric;
  /** Gallery rows that may vote (1) or not (0), one byte per row; default every row. */
  mask?: Uint8Array | null;
}

export interface ClassifiedNeighbour {
  row: number;
  distance: number;
  label: string;
}

export interface Prediction {
  label: string;
  /** p(y = c | x) for every class seen in fit(). */
  probabilities: Record<string, number>;
  neighbours: ClassifiedNeighbour[];
}

/**
 * k-nearest-neighbour classifier with sklearn's semantics: uniform p(y=c|x) = (1/K)·Σ I(y_i = c), or 1/d weights,
 * arg-max with ties to the class that sorts first.
 */
export class KnnClassifier {
  private gallery: Matrix | null = null;
  private encoded: EncodedLabels | null = null;
  private defaultMetric: Metric = 'cosine';
  private prepared = new Map<Metric, PreparedGallery>();

  fit(gallery: Matrix, labels: readonly string[], metric: Metric = 'cosine'): this {
    if (labels.length !== gallery.rows)
      throw new ShapeError(`${labels.length} labels for ${gallery.rows} gallery rows`);
    if (gallery.rows === 0) throw new KnnArgumentError('cannot fit a classifier on an empty gallery');
    this.gallery = gallery;
    this.encoded = encodeLabels(labels);
    this.defaultMetric = metric;
    this.prepared.clear();
    return this;
  }

  /** Sorted class labels. */
  get classes(): readonly string[] {
    return this.fitted().encoded.classes;
  }

  predict(query: Float32Array, options: PredictOptions = {}): Prediction {
    return this.predictBatch(asQueryMatrix(query), options)[0];
  }

  predictBatch(queries: Matrix, options: PredictOptions = {}): Prediction[] {
    const { gallery } = this.fitted();
    const k = options.k ?? 5;
    checkK(k);
    const metric = options.metric ?? this.defaultMetric;
    let prep = this.prepared.get(metric);
    if (prep === undefined) {
      prep = prepareGallery(gallery, metric);
      this.prepared.set(metric, prep);
    }
    const mask = options.mask ?? null;
    if (mask !== null && mask.length !== gallery.rows)
      throw new ShapeError(`mask has ${mask.length} entries but the gallery has ${gallery.rows} rows`);
    return this.fromNeighbours(searchPrepared(prep, queries, k, mask), options.weights ?? 'uniform');
  }

  /** Predictions from an existing neighbour search against the fitted gallery (e.g. ExactIndex or AnnIndex). */
  fromNeighbours(result: TopKResult, weights: Weights = 'uniform'): Prediction[] {
    const { encoded } = this.fitted();
    const { classes, codes } = encoded;
    const w = new Float64Array(result.k);
    const c = new Int32Array(result.k);
    const proba = new Float64Array(classes.length);
    const out: Prediction[] = [];
    for (let q = 0; q < result.queries; q++) {
      const base = q * result.k;
      let n = 0;
      while (n < result.k && result.indices[base + n] >= 0) {
        c[n] = codes[result.indices[base + n]];
        n++;
      }
      const d = result.distances.subarray(base, base + n);
      neighbourWeights(d, n, weights, w);
      const best = vote(c, w, n, classes.length, proba);
      const probabilities: Record<string, number> = {};
      classes.forEach((label, i) => (probabilities[label] = proba[i]));
      const neighbours: ClassifiedNeighbour[] = [];
      for (let i = 0; i < n; i++)
        neighbours.push({ row: result.indices[base + i], distance: d[i], label: classes[c[i]] });
      out.push({ label: classes[best], probabilities, neighbours });
    }
    return out;
  }

  private fitted(): { gallery: Matrix; encoded: EncodedLabels } {
    if (this.gallery === null || this.encoded === null) throw new KnnError('call fit() before predicting');
    return { gallery: this.gallery, encoded: this.encoded };
  }
}
