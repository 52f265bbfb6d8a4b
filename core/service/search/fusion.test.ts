import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from './fusion.ts';

const ids = (rankings: number[][]) => reciprocalRankFusion(rankings).map((f) => f.id);

describe('reciprocalRankFusion', () => {
  it('puts ids ranked well by both rankings above ids ranked first by one', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3, 4],
      [5, 3, 2, 6],
    ]);
    expect(fused.map((f) => f.id)).toEqual([2, 3, 1, 5, 4, 6]);
    const three = fused.find((f) => f.id === 3)!;
    expect(three.ranks).toEqual([3, 2]);
    expect(three.score).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 2), 15);
    expect(fused.find((f) => f.id === 6)!.ranks).toEqual([null, 4]);
  });

  it('interleaves disjoint rankings, the first ranking winning each tie', () => {
    expect(
      ids([
        [10, 11, 12],
        [20, 21],
      ]),
    ).toEqual([10, 20, 11, 21, 12]);
  });

  it('settles equal scores by the best single rank, then by the ranking that gives it', () => {
    // 8 (ranks 1 and 3) edges out 7 (2 and 2): 1/61 + 1/63 > 2/62. 9 and 4 tie exactly, each 4th in one ranking.
    const fused = reciprocalRankFusion([
      [8, 7, 1, 9],
      [2, 7, 8, 4],
    ]);
    expect(fused.map((f) => f.id)).toEqual([8, 7, 2, 1, 9, 4]);
    expect(fused[0].score).toBeGreaterThan(fused[1].score);
    expect(fused[4].score).toBe(fused[5].score);
    // Same score, same best rank: the earlier ranking decides.
    expect(ids([[5], [5], [3], [3]])).toEqual([5, 3]);
    expect(ids([[3], [3], [5], [5]])).toEqual([3, 5]);
  });

  it('keeps the order of the other ranking when one is empty', () => {
    expect(ids([[], [4, 2, 9]])).toEqual([4, 2, 9]);
    expect(ids([[4, 2, 9], []])).toEqual([4, 2, 9]);
    expect(ids([[], []])).toEqual([]);
    expect(reciprocalRankFusion([[4], []])[0].ranks).toEqual([1, null]);
  });

  it('counts an id repeated in one ranking once, at its first place', () => {
    const [f] = reciprocalRankFusion([[1, 2, 1], [1]]);
    expect(f).toEqual({ id: 1, score: 2 / (RRF_K + 1), ranks: [1, 1] });
  });
});
