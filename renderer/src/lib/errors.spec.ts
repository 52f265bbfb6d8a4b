import { describe, expect, it } from 'vitest';
import { errorMessage } from './errors.ts';

describe('errorMessage', () => {
  it('passes plain messages through', () => {
    expect(errorMessage(new Error('the lab has no captions'))).toBe('the lab has no captions');
    expect(errorMessage('busy')).toBe('busy');
  });

  it("puts core's refusal of parameters in plain words, never zod's report", () => {
    expect(errorMessage(new Error('theoryDataset: ✖ Too big: expected number to be <=2000\n  → at n'))).toBe(
      'Nearlab refused these settings: n must be at most 2000.',
    );
    const many =
      'x: ✖ Unrecognized key: "extra"\n✖ Invalid input: expected int, received number\n  → at n\n' +
      '✖ Too small: expected array to have >=2 items\n  → at a\n✖ Invalid option: expected one of "a"|"b"\n  → at k';
    expect(errorMessage(new Error(many))).toBe(
      'Nearlab refused these settings: a setting: unrecognized key: "extra"; n must be a whole number; ' +
        'a must be at least 2 items; k must be one of "a", "b".',
    );
  });
});
