import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, sampleCategorical, sampleDistinct, shuffleInPlace } from './random.ts';

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    const xb = Array.from({ length: 5 }, () => b.next());
    const xc = Array.from({ length: 5 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gives uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(7);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('gives standard normals (Box–Muller): mean 0, variance 1, P(|z| < 1.96) ≈ 0.95', () => {
    const rng = createRng(3);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) < 1.96) inside++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.015);
    expect(s2 / n).toBeGreaterThan(0.98);
    expect(s2 / n).toBeLessThan(1.02);
    expect(inside / n).toBeCloseTo(0.95, 2);
  });

  it('int(n) covers 0..n-1 uniformly', () => {
    const rng = createRng(5);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40_000; i++) counts[rng.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => rng.int(0)).toThrow(/positive integer/);
  });
});

describe('helpers', () => {
  it('deriveSeed depends on every part', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 2));
  });

  it('shuffleInPlace permutes', () => {
    const v = Int32Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(v, createRng(1));
    expect(Array.from(v).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(v)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('sampleDistinct draws distinct values from the whole range', () => {
    const rng = createRng(2);
    const all = sampleDistinct(30, 30, rng);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const some = sampleDistinct(1_000_000, 50, rng);
    expect(new Set(some).size).toBe(50);
    expect(some.every((v) => Number.isInteger(v) && v >= 0 && v < 1_000_000)).toBe(true);
    expect(() => sampleDistinct(3, 4, rng)).toThrow(/distinct/);
  });

  it('sampleCategorical follows the weights and never picks a zero weight', () => {
    const rng = createRng(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[sampleCategorical([1, 0, 3], rng)]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 30_000).toBeCloseTo(0.25, 1);
    expect(() => sampleCategorical([0, 0], rng)).toThrow(/positive/);
  });
});
