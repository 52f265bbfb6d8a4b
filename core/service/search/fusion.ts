/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): several rankings of the same ids become one,
 * each id scoring the sum over the rankings it is in of 1 / (RRF_K + rank), ranks from 1. Only ranks count, so
 * rankings with incomparable scores (cosine similarities, bm25) fuse without calibration. Pure.
 */

/**
 * The fusion constant. 60 is the paper's value and what search engines use by default: large enough that the very
 * first ranks of one list do not outweigh an id ranked well by every list, small enough that the top still counts.
 */
export const RRF_K = 60;

export interface FusedRank {
  id: number;
  /** The sum of 1 / (RRF_K + rank) over the rankings the id is in. */
  score: number;
  /** The id's rank (from 1) in each ranking, null where it is absent. */
  ranks: (number | null)[];
}

/**
 * The ids of all `rankings` (each best first; an id repeated in one ranking counts at its first place), by fused
 * score. Ties go to the id with the best single rank, then to the earlier ranking holding that rank (two distinct
 * ids cannot share both): two disjoint rankings interleave, the first ranking's id first.
 */
export function reciprocalRankFusion(rankings: readonly (readonly number[])[], k = RRF_K): FusedRank[] {
  const fused = new Map<number, FusedRank>();
  rankings.forEach((ranking, list) => {
    ranking.forEach((id, i) => {
      let f = fused.get(id);
      if (!f) {
        f = { id, score: 0, ranks: rankings.map(() => null) };
        fused.set(id, f);
      }
      if (f.ranks[list] !== null) return;
      f.ranks[list] = i + 1;
      f.score += 1 / (k + i + 1);
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || compareBest(a, b));
}

/** The best rank of an id and the first ranking that gives it. */
function best(f: FusedRank): [rank: number, list: number] {
  let out: [number, number] = [Infinity, Infinity];
  f.ranks.forEach((r, list) => {
    if (r !== null && r < out[0]) out = [r, list];
  });
  return out;
}

function compareBest(a: FusedRank, b: FusedRank): number {
  const [ra, la] = best(a);
  const [rb, lb] = best(b);
  return ra - rb || la - lb;
}
