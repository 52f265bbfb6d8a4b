import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENT, NO_AUGMENT, renderInput } from './augment.ts';

const norm = (v: number) => (v / 255 - 0.5) / 0.25;

function image(size: number): Uint8Array {
  const d = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) d.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256], i * 3);
  return d;
}

describe('model input rendering', () => {
  it('without augmentation at the stored size reproduces the pixels, normalised', () => {
    const src = image(8);
    const out = new Float32Array(8 * 8 * 3);
    renderInput({ data: src, offset: 0, size: 8 }, out, 0, 8, NO_AUGMENT, 0);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(norm(src[i]), 5);
  });

  it('downscales a flat image to the same flat colour, reading at an offset', () => {
    const src = new Uint8Array(3 + 12 * 12 * 3).fill(200);
    const out = new Float32Array(1 + 4 * 4 * 3);
    renderInput({ data: src, offset: 3, size: 12 }, out, 1, 4, NO_AUGMENT, 0);
    expect(out[0]).toBe(0);
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeCloseTo(norm(200), 5);
  });

  it('augments deterministically per seed, differently across seeds, within the normalised range', () => {
    const src = { data: image(24), offset: 0, size: 24 };
    const a = new Float32Array(16 * 16 * 3);
    const b = new Float32Array(16 * 16 * 3);
    const c = new Float32Array(16 * 16 * 3);
    renderInput(src, a, 0, 16, DEFAULT_AUGMENT, 42);
    renderInput(src, b, 0, 16, DEFAULT_AUGMENT, 42);
    renderInput(src, c, 0, 16, DEFAULT_AUGMENT, 43);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(2 + 1e-6);
  });
});
