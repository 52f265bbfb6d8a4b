import { describe, expect, it } from 'vitest';
import { candidateLinks, defaultThreshold, fitThreshold, groupRows, linksOf, neighbourGraph } from './duplicates.ts';
import { fromRows } from './matrix.ts';
import type { TopKResult } from './topk.ts';

const link = (a: number, b: number, distance: number) => ({ a, b, distance });

describe('groupRows', () => {
  it('groups are the connected parts of the links at most the threshold; distance is the largest tree link', () => {
    // 0–1–2 chained (0.1, 0.3), 0–2 directly 0.35 (not needed by the tree), 3–4 at 0.2, 5 alone, 4–5 at 0.5.
    const links = [link(0, 1, 0.1), link(1, 2, 0.3), link(0, 2, 0.35), link(3, 4, 0.2), link(4, 5, 0.5)];
    expect(groupRows(6, links, 0.4)).toEqual([
      { rows: [3, 4], distance: 0.2 },
      { rows: [0, 1, 2], distance: 0.3 },
    ]);
    expect(groupRows(6, links, 0.25)).toEqual([
      { rows: [0, 1], distance: 0.1 },
      { rows: [3, 4], distance: 0.2 },
    ]);
    expect(groupRows(6, links, 0.5)).toEqual([
      { rows: [0, 1, 2], distance: 0.3 },
      { rows: [3, 4, 5], distance: 0.5 },
    ]);
    expect(groupRows(6, links, 0.05)).toEqual([]);
  });

  it('a threshold of 0 still groups identical vectors', () => {
    expect(groupRows(3, [link(0, 2, 0), link(0, 1, 0.2)], 0)).toEqual([{ rows: [0, 2], distance: 0 }]);
  });

  it('refuses a link outside the rows', () => {
    expect(() => groupRows(2, [link(0, 2, 0.1)], 1)).toThrow(/outside 2 rows/);
  });
});

describe('linksOf and neighbourGraph', () => {
  it('keeps each pair once, drops the self match and gives the nearest other distance', () => {
    const r: TopKResult = {
      queries: 3,
      k: 3,
      indices: Int32Array.from([0, 1, 2, 1, 0, 2, 2, 1, -1]),
      distances: Float64Array.from([0, 0.1, 0.4, -1e-9, 0.1, 0.3, 0, 0.3, Infinity]),
    };
    const { links, nearest } = linksOf(r);
    expect(links).toEqual([link(0, 1, 0.1), link(0, 2, 0.4), link(1, 2, 0.3)]);
    expect([...nearest]).toEqual([0.1, 0.1, 0.3]);
  });

  it('finds near and exact duplicates among real vectors', async () => {
    const m = fromRows([
      [1, 0, 0],
      [0.99, 0.01, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    const { links, nearest } = await neighbourGraph(m, 2);
    const groups = groupRows(5, links, 0.01);
    expect(groups.map((g) => g.rows)).toEqual([
      [3, 4],
      [0, 1],
    ]);
    expect(groups[0].distance).toBeCloseTo(0, 9);
    expect(nearest[2]).toBeCloseTo(1 - 0.01 / Math.hypot(0.99, 0.01), 6);
    expect(await neighbourGraph(fromRows([[1, 2]]))).toEqual({ links: [], nearest: Float64Array.from([Infinity]) });
  });
});

describe('fitThreshold', () => {
  it('separable marks: the cut halfway between the farthest same and the nearest not-same', () => {
    const fit = fitThreshold([
      { distance: 0.02, same: true },
      { distance: 0.05, same: true },
      { distance: 0.15, same: false },
      { distance: 0.3, same: false },
    ]);
    expect(fit).toEqual({ threshold: 0.1, precision: 1, recall: 1, f1: 1 });
  });

  it('overlapping marks: the cut with the best F1, with its precision and recall', () => {
    // Cuts: after 0.1 → P 1 R 1/3 F1 .5; after 0.2 (not same) → P .5 R 1/3; after 0.3 → P 2/3 R 2/3 F1 2/3;
    // after 0.4 → P 3/4 R 1 F1 6/7 (best); after 0.5 → P 3/5 R 1 F1 .75.
    const fit = fitThreshold([
      { distance: 0.1, same: true },
      { distance: 0.2, same: false },
      { distance: 0.3, same: true },
      { distance: 0.4, same: true },
      { distance: 0.5, same: false },
    ])!;
    expect(fit.threshold).toBeCloseTo(0.45, 12);
    expect(fit.precision).toBeCloseTo(0.75, 12);
    expect(fit.recall).toBe(1);
    expect(fit.f1).toBeCloseTo(6 / 7, 12);
  });

  it('no cut between marks at the same distance', () => {
    const fit = fitThreshold([
      { distance: 0.1, same: true },
      { distance: 0.2, same: true },
      { distance: 0.2, same: false },
      { distance: 0.6, same: false },
    ])!;
    // Cut after 0.1: P 1 R .5 F1 2/3; after both 0.2s: P 2/3 R 1 F1 .8 → threshold (0.2 + 0.6) / 2.
    expect(fit.threshold).toBeCloseTo(0.4, 12);
    expect(fit.precision).toBeCloseTo(2 / 3, 12);
  });

  it('null without both kinds of marks', () => {
    expect(fitThreshold([])).toBeNull();
    expect(fitThreshold([{ distance: 0.1, same: true }])).toBeNull();
    expect(fitThreshold([{ distance: 0.1, same: false }])).toBeNull();
  });
});

describe('defaultThreshold', () => {
  it('is median − 1.5 robust deviations of the log 1-NN distances', () => {
    // logs: ln 0.1 ± ln 2 spread symmetrically: median ln 0.1, MAD ln 2.
    const d = [0.05, 0.1, 0.2, 0.05, 0.1, 0.2, 0.1];
    // |log − median| sorted: 0 0 0 ln2 ln2 ln2 ln2 → MAD ln 2.
    expect(defaultThreshold(d)).toBeCloseTo(Math.exp(Math.log(0.1) - 1.5 * 1.4826 * Math.log(2)), 12);
    expect(defaultThreshold(d, 0)).toBeCloseTo(0.1, 12);
  });

  it('leaves exact duplicates and lone images out, and is 0 with too little to go on', () => {
    const d = [0, 0, Infinity, 0.1, 0.1, 0.1];
    expect(defaultThreshold(d)).toBeCloseTo(0.1, 12);
    expect(defaultThreshold([0, 0.3])).toBe(0);
    expect(() => defaultThreshold(d, -1)).toThrow(/deviations/);
  });

  it('cuts planted near-duplicates off a spread of ordinary neighbours', () => {
    const ordinary = Array.from({ length: 100 }, (_, i) => 0.1 * Math.exp((i - 50) / 50));
    const planted = [0.001, 0.002, 0.003];
    const t = defaultThreshold([...ordinary, ...planted]);
    expect(t).toBeGreaterThan(0.003);
    expect(t).toBeLessThan(Math.min(...ordinary));
  });
});

describe('candidateLinks', () => {
  it('unmarked links nearest the threshold, alternately below and above', () => {
    const links = [link(0, 1, 0.05), link(1, 2, 0.18), link(2, 3, 0.22), link(3, 4, 0.3), link(0, 4, 0.19)];
    const marked = (l: { a: number; b: number }) => l.a === 0 && l.b === 4;
    expect(candidateLinks(links, 0.2, 3, marked)).toEqual([link(1, 2, 0.18), link(2, 3, 0.22), link(0, 1, 0.05)]);
    expect(candidateLinks(links, 0.5, 2)).toEqual([link(3, 4, 0.3), link(2, 3, 0.22)]);
    expect(candidateLinks(links, 0.2, 0)).toEqual([]);
  });
});
