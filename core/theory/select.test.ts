import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { isTied, NearestK, voteWithTieBreak } from './select.ts';

describe('NearestK', () => {
  it('returns the same K smallest as a full sort, with ties broken by index', () => {
    const rng = createRng(11);
    for (const k of [1, 3, 10, 64]) {
      // Values from a small set so there are many ties.
      const d = Array.from({ length: 200 }, () => Math.floor(rng.next() * 20));
      const heap = new NearestK(k);
      d.forEach((v, i) => heap.push(v, i));
      const idx = new Int32Array(k);
      const dist = new Float64Array(k);
      expect(heap.drainSorted(idx, dist)).toBe(k);
      const expected = d
        .map((v, i) => ({ v, i }))
        .sort((a, b) => a.v - b.v || a.i - b.i)
        .slice(0, k);
      expect(Array.from(idx)).toEqual(expected.map((e) => e.i));
      expect(Array.from(dist)).toEqual(expected.map((e) => e.v));
      expect(heap.size).toBe(0);
    }
  });

  it('keeps fewer than K when fewer were pushed, and worst() is ∞ until full', () => {
    const heap = new NearestK(5);
    heap.push(3, 0);
    heap.push(1, 1);
    expect(heap.worst()).toBe(Infinity);
    const idx = new Int32Array(5);
    const dist = new Float64Array(5);
    expect(heap.drainSorted(idx, dist)).toBe(2);
    expect(Array.from(idx.subarray(0, 2))).toEqual([1, 0]);
  });
});

describe('voteWithTieBreak', () => {
  it('picks the majority; with the nearest rule a tie goes to the class with the nearest member', () => {
    expect(voteWithTieBreak(Int32Array.from([1, 3, 2]), Float64Array.from([0.1, 0.5, 0.2]))).toBe(1);
    expect(voteWithTieBreak(Int32Array.from([2, 2, 0]), Float64Array.from([0.5, 0.2, Infinity]), 'nearest')).toBe(1);
    expect(voteWithTieBreak(Int32Array.from([2, 2]), Float64Array.from([0.2, 0.2]), 'nearest')).toBe(0);
  });

  it('by default (lowest-index) gives a tie to the lowest class', () => {
    expect(voteWithTieBreak(Int32Array.from([0, 2, 2]), Float64Array.from([Infinity, 0.5, 0.2]))).toBe(1);
    expect(isTied(Int32Array.from([0, 2, 2]), 1)).toBe(true);
    expect(isTied(Int32Array.from([1, 3, 2]), 1)).toBe(false);
  });
});
