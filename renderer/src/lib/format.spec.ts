import { describe, expect, it } from 'vitest';
import { baseName, formatDuration, formatPercent, formatRate, plural } from './format.ts';

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
  it('counts in the singular for one and the plural otherwise', () => {
    expect(plural(1, 'item')).toBe('1 item');
    expect(plural(0, 'item')).toBe('0 items');
    expect(plural(1200, 'test point')).toBe('1,200 test points');
    expect(plural(2, 'class', 'classes')).toBe('2 classes');
  });
});
