import { describe, expect, it } from 'vitest';
import { createRng } from '../util/random.ts';
import { KnnClassifier } from './classifier.ts';
import { fromRows, selectRows, type Matrix } from './matrix.ts';
import { agreementOf, looNeighbours, looVotes, rankSuspects } from './suspects.ts';

/** Unit vectors at these angles (degrees): cosine distance 1 − cos(Δ) orders them by angle difference. */
function onCircle(degrees: number[]): Matrix {
  return fromRows(degrees.map((d) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]));
}

describe('leave-one-out suspects', () => {
  // A at 0°, 10°, 20°; B at 90°, 100°; and an "A" at 95°, among the Bs: the mislabeled one.
  const X = onCircle([0, 10, 20, 90, 100, 95]);
  const y = ['A', 'A', 'A', 'B', 'B', 'A'];

  it('votes each row by its K nearest other rows (hand-computed, K = 2)', () => {
    const votes = looVotes(looNeighbours(X, 2), y, 2);
    // 95° sees 90° and 100° (5° each; the tie goes to the lower row): both B.
    expect(votes[5]).toMatchObject({ row: 5, label: 'A', vote: 'B', pLabel: 0, pVote: 1, score: 1 });
    expect(votes[5].neighbours.map((n) => n.row)).toEqual([3, 4]);
    expect(votes[5].neighbours[0].distance).toBeCloseTo(1 - Math.cos((5 * Math.PI) / 180), 6);
    // 90° sees 95° (A) and 100° (B): a tie, which keeps the row's own label.
    expect(votes[3]).toMatchObject({ label: 'B', vote: 'B', pLabel: 0.5, pVote: 0.5, score: 0.5 });
    expect(votes[4]).toMatchObject({ label: 'B', vote: 'B', pLabel: 0.5, score: 0.5 });
    // 0° sees 10° and 20°; 20° sees 10° and 0°: unanimous.
    for (const r of [0, 1, 2]) expect(votes[r]).toMatchObject({ vote: 'A', pLabel: 1, score: 0 });
    expect(votes[2].neighbours.map((n) => n.row)).toEqual([1, 0]);
  });

  it('ranks by score, then the winning share, then the row', () => {
    const ranked = rankSuspects(looVotes(looNeighbours(X, 2), y, 2)).map((v) => v.row);
    expect(ranked).toEqual([5, 3, 4, 0, 1, 2]);
    const ties = [
      { row: 2, score: 0.5, pVote: 0.5 },
      { row: 1, score: 0.5, pVote: 0.75 },
      { row: 0, score: 0.5, pVote: 0.5 },
      { row: 3, score: 0.9, pVote: 0.6 },
    ];
    expect(rankSuspects(ties).map((v) => v.row)).toEqual([3, 1, 0, 2]);
  });

  it('gives the outvoting class and its share with K = 3', () => {
    // 95° sees 90°, 100° (B) and then 20° (A, 75° away) — not the As at 0° and 10°.
    const v = looVotes(looNeighbours(X, 3), y, 3)[5];
    expect(v.neighbours.map((n) => n.row)).toEqual([3, 4, 2]);
    expect(v).toMatchObject({ vote: 'B', pVote: 2 / 3, pLabel: 1 / 3 });
    expect(v.score).toBeCloseTo(2 / 3, 12);
  });

  it('a subset of query rows gets the same votes as the whole gallery', () => {
    const rows = [5, 0, 3];
    const part = looVotes(looNeighbours(X, 2, { queryRows: rows }), y, 2, rows);
    const all = looVotes(looNeighbours(X, 2), y, 2);
    expect(part).toEqual(rows.map((r) => all[r]));
  });

  it('leaves out the row itself even behind exact duplicates', () => {
    // Three copies of the same vector: each one's neighbours are the two other copies, never itself.
    const D = onCircle([30, 30, 30, 200]);
    const votes = looVotes(looNeighbours(D, 2), ['x', 'x', 'y', 'y'], 2);
    expect(votes[2].neighbours.map((n) => n.row)).toEqual([0, 1]);
    expect(votes[2]).toMatchObject({ vote: 'x', pLabel: 0, score: 1 });
    expect(votes[0].neighbours.map((n) => n.row)).toEqual([1, 2]);
    expect(votes[0]).toMatchObject({ pLabel: 0.5, vote: 'x' });
  });

  it('equals refitting a K-NN classifier without each row', () => {
    const g = createRng(3).normal;
    const n = 60;
    const data = new Float32Array(n * 3);
    const labels: string[] = [];
    for (let i = 0; i < n; i++) {
      labels.push(`c${i % 3}`);
      for (let j = 0; j < 3; j++) data[i * 3 + j] = (j === i % 3 ? 1.2 : 0) + 0.8 * g();
    }
    const M: Matrix = { data, rows: n, dim: 3 };
    const k = 5;
    const votes = looVotes(looNeighbours(M, k), labels, k);
    for (let i = 0; i < n; i++) {
      const keep = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
      const p = new KnnClassifier()
        .fit(
          selectRows(M, keep),
          keep.map((j) => labels[j]),
          'cosine',
        )
        .predict(data.slice(i * 3, i * 3 + 3), { k });
      expect(votes[i].pLabel).toBeCloseTo(p.probabilities[labels[i]] ?? 0, 12);
      if (votes[i].vote !== labels[i]) expect(votes[i].vote).toBe(p.label);
    }
  });

  it('refuses a K that leaves no room for leave-one-out', () => {
    expect(() => looNeighbours(X, 6)).toThrow(/K = 6 exceeds the 5 other rows/);
    expect(() => looVotes(looNeighbours(X, 2), y, 0)).toThrow(/positive integer/);
    expect(() => looVotes(looNeighbours(X, 2), y, 3)).toThrow(/needs 4/);
  });
});

describe('agreement across models', () => {
  it('is the share of the models that can tell under which the label is outvoted', () => {
    expect(agreementOf([true, false, null, true])).toBeCloseTo(2 / 3, 12);
    expect(agreementOf([false])).toBe(0);
    expect(agreementOf([null])).toBeNull();
    expect(agreementOf([])).toBeNull();
  });
});
