import { KnnArgumentError, KnnError, ShapeError } from './errors.ts';
import { asQueryMatrix, type Matrix } from './matrix.ts';
import type { Metric } from './metrics.ts';
import { checkK, prepareGallery, searchPrepared, type PreparedGallery, type TopKResult } from './topk.ts';
import { neighbourWeights, type Weights } from './vote.ts';

export interface RegressOptions {
  k?: number;
  weights?: Weights;
  metric?: Metric;
}

/** k-nearest-neighbour regression: mean, or 1/d-weighted mean, of the neighbours' values (sklearn semantics). */
export class KnnRegressor {
  private gallery: Matrix | null = null;
  private targets: Float64Array | null = null;
  private defaultMetric: Metric = 'cosine';
  private prepared = new Map<Metric, PreparedGallery>();

  fit(gallery: Matrix, targets: ArrayLike<number>, metric: Metric = 'cosine'): this {
    if (targets.length !== gallery.rows)
      throw new ShapeError(`${targets.length} targets for ${gallery.rows} gallery rows`);
    if (gallery.rows === 0) throw new KnnArgumentError('cannot fit a regressor on an empty gallery');
    for (let i = 0; i < targets.length; i++) {
      if (!Number.isFinite(targets[i])) throw new KnnArgumentError(`target ${i} is not a finite number`);
    }
    this.gallery = gallery;
    this.targets = Float64Array.from(targets);
    this.defaultMetric = metric;
    this.prepared.clear();
    return this;
  }

  predict(query: Float32Array, options: RegressOptions = {}): number {
    return this.predictBatch(asQueryMatrix(query), options)[0];
  }

  predictBatch(queries: Matrix, options: RegressOptions = {}): Float64Array {
    if (this.gallery === null) throw new KnnError('call fit() before predicting');
    const k = options.k ?? 5;
    checkK(k);
    const metric = options.metric ?? this.defaultMetric;
    let prep = this.prepared.get(metric);
    if (prep === undefined) {
      prep = prepareGallery(this.gallery, metric);
      this.prepared.set(metric, prep);
    }
    return this.fromNeighbours(searchPrepared(prep, queries, k, null), options.weights ?? 'uniform');
  }

  fromNeighbours(result: TopKResult, weights: Weights = 'uniform'): Float64Array {
    const targets = this.targets;
    if (targets === null) throw new KnnError('call fit() before predicting');
    const out = new Float64Array(result.queries);
    const w = new Float64Array(result.k);
    for (let q = 0; q < result.queries; q++) {
      const base = q * result.k;
      let n = 0;
      while (n < result.k && result.indices[base + n] >= 0) n++;
      neighbourWeights(result.distances.subarray(base, base + n), n, weights, w);
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        num += targets[result.indices[base + i]] * w[i];
        den += w[i];
      }
      out[q] = n === 0 ? NaN : num / den;
    }
    return out;
  }
}
