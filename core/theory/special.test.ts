import { describe, expect, it } from 'vitest';
import { erf, erfc, logGamma, normalCdf } from './special.ts';

// Reference values from Python's math.erfc / math.lgamma (correctly rounded libm).
describe('erfc and Φ', () => {
  const erfcRef: [number, number][] = [
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [2.4, 0.0006885138966450789],
    [2.6, 0.00023603441652934908],
    [3, 2.2090496998585438e-5],
    [4, 1.541725790028002e-8],
    [6, 2.1519736712498916e-17],
  ];
  it.each(erfcRef)('erfc(%f) to 1e-12 relative', (x, ref) => {
    expect(Math.abs(erfc(x) - ref) / ref).toBeLessThan(1e-12);
    expect(erfc(-x)).toBeCloseTo(2 - ref, 14);
  });

  it('erf is odd and erf + erfc = 1', () => {
    for (const x of [0.3, 1.7, 2.9]) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erf(x) + erfc(x)).toBeCloseTo(1, 15);
    }
  });

  const phiRef: [number, number][] = [
    [0, 0.5],
    [-1, 0.15865525393145707],
    [-1.96, 0.024997895148220435],
    [-3, 0.0013498980316300957],
    [-5, 2.866515718791946e-7],
    [-8, 6.220960574271819e-16],
    [1.5, 0.9331927987311419],
  ];
  it.each(phiRef)('Φ(%f)', (z, ref) => {
    expect(Math.abs(normalCdf(z) - ref) / ref).toBeLessThan(1e-12);
  });
});

describe('logGamma', () => {
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
