import { describe, expect, it } from 'vitest';
import { batchPositives } from './batch.ts';

describe('batch positives', () => {
  it('pairs each image with its text, identical texts, its own label prompt, and (supervised) same-label items', () => {
    const texts = ['a red square', 'a photo of a square', 'a red square', 'a blue disc'];
    const labels = ['square', 'square', 'disc', 'disc'];
    const promptOf = [null, 'square', null, null];
    const rows = (p: Float32Array) => [0, 1, 2, 3].map((i) => Array.from(p.subarray(i * 4, i * 4 + 4)));
    expect(rows(batchPositives(texts, labels, promptOf, false))).toEqual([
      [1, 1, 1, 0], // its text, the square prompt, the identical caption of item 2
      [0, 1, 0, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
    expect(rows(batchPositives(texts, labels, promptOf, true))).toEqual([
      [1, 1, 1, 0],
      [1, 1, 0, 0],
      [1, 0, 1, 1],
      [0, 0, 1, 1],
    ]);
  });
});
