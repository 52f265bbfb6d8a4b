import { describe, expect, it } from 'vitest';
import { ballVolume, logUnitBallVolume, unitBallVolume } from './balls.ts';

describe('unit d-ball volume via log-gamma', () => {
  it('matches the closed forms V1 = 2, V2 = π, V3 = 4π/3, V4 = π²/2, V5 = 8π²/15, V6 = π³/6', () => {
    const pi = Math.PI;
    [2, pi, (4 * pi) / 3, pi ** 2 / 2, (8 * pi ** 2) / 15, pi ** 3 / 6].forEach((v, k) => {
      expect(unitBallVolume(k + 1)).toBeCloseTo(v, 12);
    });
  });

  it('satisfies V_d = (2π/d) V_{d−2} up to d = 400 (in log space)', () => {
    for (let d = 3; d <= 400; d++) {
      expect(logUnitBallVolume(d)).toBeCloseTo(Math.log((2 * Math.PI) / d) + logUnitBallVolume(d - 2), 10);
    }
  });

  it('peaks at d = 5 and then falls to 0 (V_20 ≈ 0.0258, V_100 ≈ 2.37e-40)', () => {
    const v = Array.from({ length: 40 }, (_, k) => unitBallVolume(k + 1));
    expect(v.indexOf(Math.max(...v)) + 1).toBe(5);
    expect(unitBallVolume(20)).toBeCloseTo(0.025806891390014, 12);
    // Reference ln V_100 from Python: 50·ln π − lgamma(51)
    expect(logUnitBallVolume(100)).toBeCloseTo(-91.24127265930304, 10);
    expect(Number.isFinite(logUnitBallVolume(100_000))).toBe(true);
  });

  it('scales as r^d', () => {
    expect(ballVolume(2, 3)).toBeCloseTo(9 * Math.PI, 12);
    expect(ballVolume(3, 0.5)).toBeCloseTo(Math.PI / 6, 14);
    expect(ballVolume(7, 0)).toBe(0);
    expect(() => logUnitBallVolume(0)).toThrow(/positive integer/);
  });
});
