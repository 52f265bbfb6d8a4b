import { describe, expect, it } from 'vitest';
import { PALETTE } from './canvas.ts';
import { labelPalette, NO_LABEL_COLOR } from './label-colors.ts';

describe('labelPalette', () => {
  it('gives each label of the lab its own colour, whatever order or counts the labels come in', () => {
    const a = labelPalette(['Food', 'Animals', 'Flags']);
    const b = labelPalette(['Flags', 'Food', 'Animals']);
    for (const name of ['Animals', 'Flags', 'Food']) expect(a(name)).toBe(b(name));
    expect(new Set(['Animals', 'Flags', 'Food'].map(a)).size).toBe(3);
    expect(a('Animals')).toBe(PALETTE[0]);
  });

  it('colours names outside the lab the same every time, and no label in grey', () => {
    const colour = labelPalette(['Flags']);
    expect(colour('zebra')).toBe(labelPalette(['Food', 'Flags'])('zebra'));
    expect(colour('zebra')).not.toBe(colour('Flags'));
    expect(colour(null)).toBe(NO_LABEL_COLOR);
  });
});
