import { describe, expect, it } from 'vitest';
import { floatsToHalfBlob, fromHalfBits, halfBlobToFloats, toHalfBits } from './float16.ts';
import { createRng } from '../util/random.ts';

describe('float16', () => {
  it('encodes the reference values of IEEE 754 binary16 exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [1 / 3, 0x3555],
      [70000, 0x7c00], // overflow → Infinity
      [-Infinity, 0xfc00],
      [2 ** -26, 0x0000], // underflow → 0
    ];
    for (const [x, bits] of cases) {
      expect(toHalfBits(x), `${x}`).toBe(bits);
      if (bits !== 0x7c00 && x !== 2 ** -26) expect(fromHalfBits(bits)).toBe(x === 1 / 3 ? 0.333251953125 : x);
    }
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
    // Ties go to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('round-trips feature-like vectors within half precision (relative error ≤ 2^-11)', () => {
    const rng = createRng(7);
    const v = Float32Array.from({ length: 1792 }, () => (rng.next() - 0.3) * 12);
    const blob = floatsToHalfBlob(v);
    expect(blob.byteLength).toBe(1792 * 2);
    const back = halfBlobToFloats(blob);
    for (let i = 0; i < v.length; i++) {
      const tol = Math.max(Math.abs(v[i]) * 2 ** -11, 2 ** -25);
      expect(Math.abs(back[i] - v[i])).toBeLessThanOrEqual(tol);
    }
    // Decoding into a larger matrix at an offset.
    const m = new Float32Array(3 * 1792);
    halfBlobToFloats(blob, m, 1792);
    expect(m[1792]).toBe(back[0]);
    expect(m[0]).toBe(0);
  });
});
