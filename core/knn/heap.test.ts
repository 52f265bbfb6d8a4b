import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { HeapSet, sortPairs } from './heap.ts';

describe('HeapSet', () => {
  it('returns the same K smallest as a full sort, with ties broken by index', () => {
    const rng = createRng(11);
    for (const k of [1, 3, 10, 64]) {
      // Values from a small set so there are many ties.
      const d = Array.from({ length: 200 }, () => Math.floor(rng.next() * 20));
      const heap = new HeapSet(1, k);
      d.forEach((v, i) => heap.push(0, v, i));
      const idx = new Int32Array(k);
      const dist = new Float64Array(k);
      expect(heap.drainSorted(0, idx, dist, 0)).toBe(k);
      const expected = d
        .map((v, i) => ({ v, i }))
        .sort((a, b) => a.v - b.v || a.i - b.i)
        .slice(0, k);
      expect(Array.from(idx)).toEqual(expected.map((e) => e.i));
      expect(Array.from(dist)).toEqual(expected.map((e) => e.v));
      expect(heap.size[0]).toBe(0);
    }
  });

  it('keeps fewer than K when fewer were pushed, and the threshold is ∞ until full', () => {
    const heap = new HeapSet(1, 5);
    heap.push(0, 3, 0);
    expect(heap.push(0, 1, 1)).toBe(Infinity);
    expect(heap.threshold(0)).toBe(Infinity);
    const idx = new Int32Array(5);
    const dist = new Float64Array(5);
    expect(heap.drainSorted(0, idx, dist, 0)).toBe(2);
    expect(Array.from(idx.subarray(0, 2))).toEqual([1, 0]);
  });

  it('keeps the heaps of a set apart, drains at an offset, and clear() empties one', () => {
    const heaps = new HeapSet(2, 2);
    [5, 1, 4].forEach((v, i) => heaps.push(0, v, i));
    [2, 2, 9].forEach((v, i) => heaps.push(1, v, 10 + i));
    expect(heaps.threshold(0)).toBe(4);
    const idx = new Int32Array(4).fill(-1);
    const key = new Float64Array(4);
    expect(heaps.drainSorted(1, idx, key, 2)).toBe(2);
    expect(Array.from(idx)).toEqual([-1, -1, 10, 11]);
    heaps.clear(0);
    expect(heaps.threshold(0)).toBe(Infinity);
  });
});

describe('sortPairs', () => {
  it('sorts by key, then index, over short and long ranges', () => {
    for (const n of [10, 100]) {
      const rng = createRng(n);
      const keys = Float64Array.from({ length: n }, () => rng.int(5));
      const idx = Int32Array.from({ length: n }, (_, i) => n - i);
      const expected = Array.from(keys, (k, i) => ({ k, r: idx[i] })).sort((a, b) => a.k - b.k || a.r - b.r);
      sortPairs(keys, idx, 0, n);
      expect(Array.from(idx)).toEqual(expected.map((e) => e.r));
    }
  });
});
