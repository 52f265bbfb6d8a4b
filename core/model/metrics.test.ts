import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { crossModalRecall, median, scores } from './metrics.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('retrieval metrics', () => {
  it('median as numpy', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('recall at k and median rank from ranks', () => {
    expect(scores([1, 2, 6, 11])).toEqual({ r1: 0.25, r5: 0.5, r10: 0.75, medianRank: 4 });
  });

  it('ranks captions against images and images against captions', () => {
    // Three images on axes; caption 0 matches image 0, caption 1 is closer to image 2 than to its image 1,
    // caption 2 and caption 3 both belong to image 2.
    const images = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const s = Math.SQRT1_2;
    const captions = Float32Array.from([1, 0, 0, 0, s * 0.6, s * 1.2, 0, 0, 1, 0.6, 0, 0.8]);
    const owner = Int32Array.from([0, 1, 2, 2]);
    const m = crossModalRecall(images, 3, captions, owner, 3);
    // t2i ranks: c0 → 1, c1 → 2 (image 2 scores higher), c2 → 1, c3 → 1.
    expect(m.t2i).toEqual({ r1: 0.75, r5: 1, r10: 1, medianRank: 1 });
    // i2t: image 0 best own caption c0 (1.0) but nothing higher → 1; image 1's caption c1 (0.42) is beaten by
    // none of the others on axis 1 → 1; image 2's best own is c2 (1.0) → 1.
    expect(m.i2t.r1).toBe(1);
    expect(m.images).toBe(3);
    expect(m.captions).toBe(4);
  });
});
