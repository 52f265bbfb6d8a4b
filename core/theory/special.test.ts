import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf } from './special.ts';

// Reference values from Python's math.erfc (correctly rounded libm).
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
