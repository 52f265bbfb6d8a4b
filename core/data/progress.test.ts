import { describe, expect, it } from 'vitest';
import { RateMeter } from './progress.ts';
import { formatProgress } from '../cli/progress-bar.ts';

describe('RateMeter', () => {
  it('measures the recent rate and the time left', () => {
    let t = 0;
    const m = new RateMeter(5000, () => t);
    m.measure('images', 0, 100);
    t = 2000;
    const p = m.measure('images', 20, 100);
    expect(p.rate).toBeCloseTo(10);
    expect(p.etaSeconds).toBeCloseTo(8);
    expect(formatProgress(p, 10)).toBe('images [##--------] 20/100  10.0/s  ETA 0:08');
  });

  it('has no ETA before anything is done', () => {
    const m = new RateMeter(5000, () => 0);
    expect(m.measure('scan', 0, 10).etaSeconds).toBeNull();
  });
});
