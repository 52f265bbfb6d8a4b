import { describe, expect, it } from 'vitest';
import {
  apportion,
  boundingBox,
  classCounts,
  sampleDataset,
  splitTrainTest,
  type LabeledPoints2D,
} from './datasets.ts';
import { NotPositiveSemidefiniteError, TheoryInputError } from './errors.ts';
import type { Mat2, Vec2 } from './linalg2.ts';

function classMoments(data: LabeledPoints2D, c: number): { mean: Vec2; cov: Mat2; count: number } {
  let n = 0,
    mx = 0,
    my = 0;
  for (let i = 0; i < data.labels.length; i++) {
    if (data.labels[i] !== c) continue;
    n++;
    mx += data.points[2 * i];
    my += data.points[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (let i = 0; i < data.labels.length; i++) {
    if (data.labels[i] !== c) continue;
    const dx = data.points[2 * i] - mx;
    const dy = data.points[2 * i + 1] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  return { mean: [mx, my], cov: [sxx / (n - 1), sxy / (n - 1), sxy / (n - 1), syy / (n - 1)], count: n };
}

describe('Gaussian mixtures', () => {
  const components = [
    { mean: [1, -2] as Vec2, cov: [2, 0.8, 0.8, 1] as Mat2, weight: 3, label: 0 },
    { mean: [-3, 4] as Vec2, cov: [0.5, -0.2, -0.2, 0.3] as Mat2, weight: 1, label: 1 },
  ];

  it('reproduces the requested means, covariances and (stratified) weights', () => {
    const data = sampleDataset({ kind: 'mixture', components }, { n: 40_000, seed: 1 });
    expect(data.numClasses).toBe(2);
    expect(Array.from(classCounts(data))).toEqual([30_000, 10_000]);
    components.forEach((comp, c) => {
      const m = classMoments(data, c);
      expect(m.mean[0]).toBeCloseTo(comp.mean[0], 1);
      expect(m.mean[1]).toBeCloseTo(comp.mean[1], 1);
      m.cov.forEach((v, k) =>
        expect(Math.abs(v - comp.cov[k])).toBeLessThan(0.05 * Math.max(1, Math.abs(comp.cov[k]))),
      );
    });
  });

  it('adds isotropic noise: covariance becomes Σ + noise² I', () => {
    const data = sampleDataset(
      { kind: 'mixture', components: [{ mean: [0, 0], cov: [1, 0, 0, 1] }], noise: 2 },
      { n: 30_000, seed: 2 },
    );
    const m = classMoments(data, 0);
    expect(m.cov[0]).toBeGreaterThan(4.8);
    expect(m.cov[0]).toBeLessThan(5.2);
    expect(Math.abs(m.cov[1])).toBeLessThan(0.15);
  });

  it('iid sampling draws components at random with the right proportions', () => {
    const data = sampleDataset({ kind: 'mixture', components, sampling: 'iid' }, { n: 20_000, seed: 3 });
    const counts = classCounts(data);
    expect(counts[0] / 20_000).toBeGreaterThan(0.74);
    expect(counts[0] / 20_000).toBeLessThan(0.76);
    expect(counts[0]).not.toBe(15_000); // the stratified count; iid sampling almost never hits it
  });

  it('supports M classes with several components per class', () => {
    const data = sampleDataset(
      {
        kind: 'mixture',
        components: [
          { mean: [0, 0], cov: [1, 0, 0, 1], label: 2 },
          { mean: [5, 5], cov: [1, 0, 0, 1], label: 2 },
          { mean: [0, 5], cov: [1, 0, 0, 1], label: 0 },
        ],
        numClasses: 4,
      },
      { n: 90, seed: 4 },
    );
    expect(data.numClasses).toBe(4);
    expect(Array.from(classCounts(data))).toEqual([30, 0, 60, 0]);
  });

  it('is deterministic per seed', () => {
    const a = sampleDataset({ kind: 'mixture', components }, { n: 50, seed: 9 });
    const b = sampleDataset({ kind: 'mixture', components }, { n: 50, seed: 9 });
    const c = sampleDataset({ kind: 'mixture', components }, { n: 50, seed: 10 });
    expect(a).toEqual(b);
    expect(a.points).not.toEqual(c.points);
  });

  it('rejects bad input with actionable errors', () => {
    expect(() =>
      sampleDataset({ kind: 'mixture', components: [{ mean: [0, 0], cov: [1, 2, 2, 1] }] }, { n: 5, seed: 1 }),
    ).toThrow(NotPositiveSemidefiniteError);
    expect(() =>
      sampleDataset(
        { kind: 'mixture', components: [{ mean: [0, 0], cov: [1, 0, 0, 1], label: 3 }], numClasses: 2 },
        { n: 5, seed: 1 },
      ),
    ).toThrow(/labels must be integers in \[0, 1\]/);
    expect(() => sampleDataset({ kind: 'moons', noise: -1 }, { n: 5, seed: 1 })).toThrow(TheoryInputError);
    expect(() => sampleDataset({ kind: 'moons' }, { n: 0, seed: 1 })).toThrow(/positive integer/);
    expect(() => sampleDataset({ kind: 'rings', numClasses: 3, radii: [1, 2] }, { n: 5, seed: 1 })).toThrow(
      /one radius per class/,
    );
  });
});

describe('moons, rings, blobs', () => {
  it('noise-free moons lie exactly on their half circles, balanced', () => {
    const data = sampleDataset({ kind: 'moons' }, { n: 101, seed: 5 });
    const counts = classCounts(data);
    expect(Math.abs(counts[0] - counts[1])).toBeLessThanOrEqual(1);
    for (let i = 0; i < 101; i++) {
      const x = data.points[2 * i];
      const y = data.points[2 * i + 1];
      if (data.labels[i] === 0) {
        expect(Math.hypot(x, y)).toBeCloseTo(1, 12);
        expect(y).toBeGreaterThanOrEqual(0);
      } else {
        expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 12);
        expect(y).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('noise-free rings have radius r_c per class; noise spreads them', () => {
    const clean = sampleDataset({ kind: 'rings', numClasses: 3, radii: [1, 2.5, 4] }, { n: 300, seed: 6 });
    expect(Array.from(classCounts(clean))).toEqual([100, 100, 100]);
    for (let i = 0; i < 300; i++) {
      expect(Math.hypot(clean.points[2 * i], clean.points[2 * i + 1])).toBeCloseTo([1, 2.5, 4][clean.labels[i]], 12);
    }
    const noisy = sampleDataset({ kind: 'rings', numClasses: 2, noise: 0.2 }, { n: 2000, seed: 6 });
    let sq = 0;
    for (let i = 0; i < 2000; i++)
      sq += (Math.hypot(noisy.points[2 * i], noisy.points[2 * i + 1]) - (noisy.labels[i] + 1)) ** 2;
    expect(Math.sqrt(sq / 2000)).toBeGreaterThan(0.15);
    expect(Math.sqrt(sq / 2000)).toBeLessThan(0.25);
  });

  it('blobs put M class means evenly on a circle', () => {
    const data = sampleDataset({ kind: 'blobs', numClasses: 4, radius: 3, spread: 0.1 }, { n: 4000, seed: 7 });
    for (let c = 0; c < 4; c++) {
      const m = classMoments(data, c);
      expect(m.mean[0]).toBeCloseTo(3 * Math.cos((c * Math.PI) / 2), 1);
      expect(m.mean[1]).toBeCloseTo(3 * Math.sin((c * Math.PI) / 2), 1);
    }
  });
});

describe('helpers', () => {
  it('apportion is proportional and sums to n', () => {
    expect(Array.from(apportion(10, [1, 1, 1]))).toEqual([4, 3, 3]);
    expect(Array.from(apportion(7, [0, 2, 5]))).toEqual([0, 2, 5]);
    const a = apportion(1001, [0.2, 0.3, 0.5]);
    expect(a.reduce((s, v) => s + v, 0)).toBe(1001);
  });

  it('splitTrainTest partitions the points', () => {
    const data = sampleDataset({ kind: 'moons', noise: 0.1 }, { n: 100, seed: 8 });
    const { train, test } = splitTrainTest(data, 0.3, 1);
    expect(test.labels.length).toBe(30);
    expect(train.labels.length).toBe(70);
    const key = (d: LabeledPoints2D): string[] =>
      Array.from(d.labels, (l, i) => `${d.points[2 * i]},${d.points[2 * i + 1]},${l}`);
    expect([...key(train), ...key(test)].sort()).toEqual(key(data).sort());
    expect(() => splitTrainTest(data, 1, 1)).toThrow(/between 0 and 1/);
  });

  it('boundingBox contains every point with the margin', () => {
    const data = sampleDataset({ kind: 'moons', noise: 0.1 }, { n: 100, seed: 8 });
    const box = boundingBox(data, 0.1);
    for (let i = 0; i < 100; i++) {
      expect(data.points[2 * i]).toBeGreaterThan(box.xmin);
      expect(data.points[2 * i]).toBeLessThan(box.xmax);
      expect(data.points[2 * i + 1]).toBeGreaterThan(box.ymin);
      expect(data.points[2 * i + 1]).toBeLessThan(box.ymax);
    }
  });
});
