import { describe, expect, it } from 'vitest';
import { buildZeroShotClasses, DEFAULT_TEMPLATES, fillTemplate, softmax, zeroShot } from './zeroshot.ts';

describe('zero-shot classification', () => {
  it('fills templates', () => {
    expect(fillTemplate('a photo of a {}.', 'cat')).toBe('a photo of a cat.');
    expect(fillTemplate('{}', 'red apple')).toBe('red apple');
    expect(DEFAULT_TEMPLATES).toContain('{}');
    expect(DEFAULT_TEMPLATES).toContain('a photo of a {}.');
    for (const t of DEFAULT_TEMPLATES) expect(t).toContain('{}');
    expect(() => fillTemplate('a photo', 'cat')).toThrow(/no '\{\}' placeholder/);
  });

  it('averages normalised prompt embeddings per class and re-normalises', () => {
    const classes = buildZeroShotClasses({
      cat: [new Float32Array([2, 0]), new Float32Array([0, 5])],
      dog: [new Float32Array([-1, 0])],
    });
    expect(classes.labels).toEqual(['cat', 'dog']);
    const s = Math.SQRT1_2;
    expect(classes.embeddings[0]).toBeCloseTo(s, 6);
    expect(classes.embeddings[1]).toBeCloseTo(s, 6);
    expect(Array.from(classes.embeddings.subarray(2))).toEqual([-1, 0]);
  });

  it('computes softmax(scale · cosine) and picks the most likely class', () => {
    const classes = buildZeroShotClasses({
      cat: [new Float32Array([1, 0, 0])],
      dog: [new Float32Array([0, 1, 0])],
      car: [new Float32Array([0, 0, 1])],
    });
    const image = new Float32Array([3, 4, 0]); // cos: cat 0.6, dog 0.8, car 0
    const scale = Math.exp(Math.log(100));
    const r = zeroShot(image, classes, scale);
    const e = [Math.exp(60), Math.exp(80), Math.exp(0)];
    const z = e[0] + e[1] + e[2];
    expect(r.label).toBe('dog');
    expect(r.probabilities.cat).toBeCloseTo(e[0] / z, 12);
    expect(r.probabilities.dog).toBeCloseTo(e[1] / z, 12);
    expect(r.logits[0]).toBeCloseTo(60, 4);
    const flat = zeroShot(image, classes, 1);
    expect(flat.probabilities.dog).toBeLessThan(r.probabilities.dog);
    expect(() => zeroShot(new Float32Array(2), classes, 100)).toThrow(/2-d/);
    expect(() => zeroShot(image, classes, 0)).toThrow(/logit scale/);
  });

  it('has a stable softmax for large logits', () => {
    const p = softmax([1000, 1000, 0]);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0]);
  });
});
