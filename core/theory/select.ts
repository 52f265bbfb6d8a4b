/**
 * K-nearest selection without a full sort: a bounded max-heap keyed on (distance, index), so ties
 * are broken deterministically in favour of the lower index. O(n log K) per query.
 */
import { assertPositiveInt } from './errors.ts';

export class NearestK {
  readonly k: number;
  private readonly dist: Float64Array;
  private readonly idx: Int32Array;
  private count = 0;

  constructor(k: number) {
    assertPositiveInt('K', k);
    this.k = k;
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }

  get size(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
  }

  /** Largest kept distance, or +∞ while fewer than K are kept. */
  worst(): number {
    return this.count < this.k ? Infinity : this.dist[0];
  }

  push(d: number, i: number): void {
    const { dist, idx } = this;
    if (this.count < this.k) {
      let pos = this.count++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!after(d, i, dist[parent], idx[parent])) break;
        dist[pos] = dist[parent];
        idx[pos] = idx[parent];
        pos = parent;
      }
      dist[pos] = d;
      idx[pos] = i;
      return;
    }
    if (!after(dist[0], idx[0], d, i)) return;
    this.siftDown(0, d, i, this.count);
  }

  /** Kept index at heap slot `s` (unordered); s < size. */
  indexAt(s: number): number {
    return this.idx[s];
  }

  distanceAt(s: number): number {
    return this.dist[s];
  }

  /** Writes the kept neighbours in ascending (distance, index) order and empties the heap. */
  drainSorted(outIdx: Int32Array, outDist: Float64Array): number {
    const n = this.count;
    for (let end = n - 1; end >= 0; end--) {
      const topD = this.dist[0];
      const topI = this.idx[0];
      outIdx[end] = topI;
      outDist[end] = topD;
      if (end > 0) this.siftDown(0, this.dist[end], this.idx[end], end);
    }
    this.count = 0;
    return n;
  }

  private siftDown(start: number, d: number, i: number, size: number): void {
    const { dist, idx } = this;
    let pos = start;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && after(dist[right], idx[right], dist[child], idx[child])) child = right;
      if (!after(dist[child], idx[child], d, i)) break;
      dist[pos] = dist[child];
      idx[pos] = idx[child];
      pos = child;
    }
    dist[pos] = d;
    idx[pos] = i;
  }
}

/** True when (d1, i1) sorts after (d2, i2). */
function after(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 > d2 || (d1 === d2 && i1 > i2);
}

/**
 * How a majority vote between equally frequent classes is settled. 'lowest-index' (default; the
 * scikit-learn rule) gives it to the lowest class index, so with K ≥ n and balanced classes one
 * class wins everywhere. 'nearest' gives it to the tied class whose closest member is nearest
 * (K = 2 then behaves like 1-NN).
 */
export type TieBreak = 'nearest' | 'lowest-index';

/**
 * Majority vote over neighbour labels, settling ties by `rule` (equal nearest distances then go
 * to the lower class index). `counts` and `minDist` have length numClasses; `minDist[c]` is the
 * distance of the closest neighbour of class c (∞ if none).
 */
export function voteWithTieBreak(counts: Int32Array, minDist: Float64Array, rule: TieBreak = 'lowest-index'): number {
  let best = 0;
  const nearest = rule === 'nearest';
  for (let c = 1; c < counts.length; c++) {
    if (counts[c] > counts[best] || (nearest && counts[c] === counts[best] && minDist[c] < minDist[best])) best = c;
  }
  return best;
}

/** True when another class has as many votes as `best`. */
export function isTied(counts: Int32Array, best: number): boolean {
  for (let c = 0; c < counts.length; c++) if (c !== best && counts[c] === counts[best]) return true;
  return false;
}
