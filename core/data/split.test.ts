import { describe, expect, it } from 'vitest';
import { holdoutSplit } from './split.ts';

describe('holdoutSplit', () => {
  it('is deterministic and close to the asked fractions', () => {
    const counts = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < 20000; i++) {
      const h = `hash-${i}`;
      const s = holdoutSplit(h, 0.1);
      expect(holdoutSplit(h, 0.1)).toBe(s);
      counts[s]++;
    }
    expect(counts.val / 20000).toBeCloseTo(0.1, 1);
    expect(counts.test / 20000).toBeCloseTo(0.1, 1);
  });

  it('puts everything in train with no holdout', () => {
    expect(holdoutSplit('x', 0)).toBe('train');
  });
});
