import { describe, expect, it } from 'vitest';
import { logBallVolume, logGamma, logUnitBallVolume } from './balls.ts';

// logGamma reference values from Python's math.lgamma (correctly rounded libm).
describe('logGamma', () => {
  it('computes logΓ against known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(65)).toBeCloseTo(205.1681994826412, 9); // ln(64!)
    expect(logGamma(33.5)).toBeCloseTo(83.30242550295004, 9);
  });
  it('matches closed forms: Γ(n) = (n−1)!, Γ(1/2) = √π, Γ(3/2) = √π/2', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 14);
  });

  const ref: [number, number][] = [
    [0.1, 2.2527126517342055],
    [0.001, 6.907178885383854],
    [10.3, 13.48203678613836],
    [100.5, 361.4355404677776],
    [171.5, 709.1431630309282],
    [-0.5, 1.265512123484645],
    [-2.5, -0.05624371649767457],
  ];
  it.each(ref)('lnΓ(%f) to 1e-13 relative', (x, r) => {
    expect(Math.abs(logGamma(x) - r)).toBeLessThan(1e-13 * Math.max(1, Math.abs(r)));
  });

  it('rejects poles', () => {
    expect(() => logGamma(0)).toThrow(/pole/);
    expect(() => logGamma(-3)).toThrow(/pole/);
  });
});

describe('unit d-ball volume via log-gamma', () => {
  it('matches the closed forms V1 = 2, V2 = π, V3 = 4π/3, V4 = π²/2, V5 = 8π²/15, V6 = π³/6', () => {
    const pi = Math.PI;
    [2, pi, (4 * pi) / 3, pi ** 2 / 2, (8 * pi ** 2) / 15, pi ** 3 / 6].forEach((v, k) => {
      expect(Math.exp(logUnitBallVolume(k + 1))).toBeCloseTo(v, 12);
    });
  });

  it('satisfies V_d = (2π/d) V_{d−2} up to d = 400 (in log space)', () => {
    for (let d = 3; d <= 400; d++) {
      expect(logUnitBallVolume(d)).toBeCloseTo(Math.log((2 * Math.PI) / d) + logUnitBallVolume(d - 2), 10);
    }
  });

  it('peaks at d = 5 and then falls to 0 (V_20 ≈ 0.0258, V_100 ≈ 2.37e-40)', () => {
    const v = Array.from({ length: 40 }, (_, k) => Math.exp(logUnitBallVolume(k + 1)));
    expect(v.indexOf(Math.max(...v)) + 1).toBe(5);
    expect(Math.exp(logUnitBallVolume(20))).toBeCloseTo(0.025806891390014, 12);
    // Reference ln V_100 from Python: 50·ln π − lgamma(51)
    expect(logUnitBallVolume(100)).toBeCloseTo(-91.24127265930304, 10);
    expect(Number.isFinite(logUnitBallVolume(100_000))).toBe(true);
  });

  it('scales as r^d', () => {
    expect(Math.exp(logBallVolume(2, 3))).toBeCloseTo(9 * Math.PI, 12);
    expect(Math.exp(logBallVolume(3, 0.5))).toBeCloseTo(Math.PI / 6, 14);
    expect(Math.exp(logBallVolume(7, 0))).toBe(0);
    expect(() => logUnitBallVolume(0)).toThrow(/positive integer/);
  });
});

describe('d-ball of radius r', () => {
  it('uses the d-ball volume', () => {
    expect(Math.exp(logBallVolume(1, 2))).toBeCloseTo(4, 12);
    expect(Math.exp(logBallVolume(2, 3))).toBeCloseTo(Math.PI * 9, 10);
    expect(Math.exp(logBallVolume(3, 1))).toBeCloseTo((4 / 3) * Math.PI, 12);
    // large d: log-volume stays finite although the volume underflows
    const big = logBallVolume(512, 0.5);
    expect(Number.isFinite(big)).toBe(true);
    expect(Math.exp(big)).toBe(0);
    expect(logBallVolume(4, 0)).toBe(-Infinity);
  });
});
