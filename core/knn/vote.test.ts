import { describe, expect, it } from 'vitest';
import { isTied, voteWithTieBreak } from './vote.ts';

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
