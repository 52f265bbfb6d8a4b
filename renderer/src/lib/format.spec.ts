import { describe, expect, it } from 'vitest';
import { baseName, formatDuration, formatPercent, formatRate } from './format.ts';

describe('format', () => {
  it('writes durations briefly and says when they are unknown', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Infinity)).toBe('—');
    expect(formatDuration(4.4)).toBe('4 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
  it('writes rates, percentages and base names', () => {
    expect(formatRate(12.345, 'images')).toBe('12.3 images/s');
    expect(formatRate(250.4, 'samples')).toBe('250 samples/s');
    expect(formatPercent(0.8345)).toBe('83.5 %');
    expect(formatPercent(null)).toBe('—');
    expect(baseName('images/a/b.png')).toBe('b.png');
  });
});
