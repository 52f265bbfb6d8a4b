import { describe, expect, it } from 'vitest';
import { subfolderHint } from './subfolder-hint.ts';

const inputs = { root: '/data/emoji', tablePath: '/data/emoji/captions.tsv', option: '--captions' as const };

describe('subfolderHint', () => {
  it('names the sub-folder most unmatched rows are under, with the command to import it', () => {
    const hint = subfolderHint({
      ...inputs,
      unmatched: ['b.png', 'a.png', 'a.png', 'gone.png'],
      items: ['images/b.png', 'images/a.png', 'thumbs/a.png'],
    });
    expect(hint).toBe(
      'captions.tsv names files relative to images/: import that folder ' +
        '(nearlab import /data/emoji/images --captions /data/emoji/captions.tsv), ' +
        'or write its paths from this folder (images/a.png)',
    );
  });

  it('looks a few folders deep and quotes paths for the shell', () => {
    const hint = subfolderHint({
      root: "/data/my emoji's",
      tablePath: "/data/my emoji's/labels.csv",
      option: '--labels',
      unmatched: ['x/1.png'],
      items: ['set/v2/x/1.png'],
    });
    expect(hint).toContain(
      `relative to set/v2/: import that folder (nearlab import '/data/my emoji'\\''s/set/v2' --labels`,
    );
  });

  it('says nothing when at most half the unmatched rows are under one sub-folder, or none are unmatched', () => {
    expect(subfolderHint({ ...inputs, unmatched: ['a.png', 'b.png'], items: ['images/a.png'] })).toBeNull();
    expect(subfolderHint({ ...inputs, unmatched: [], items: ['images/a.png'] })).toBeNull();
    expect(subfolderHint({ ...inputs, unmatched: ['a.png'], items: ['a.png.bak/x'] })).toBeNull();
  });
});
