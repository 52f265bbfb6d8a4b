import { describe, expect, it } from 'vitest';
import { pathTooLongReason, shortenPath } from './long-path.ts';

describe('shortenPath', () => {
  it('keeps a short path and shows the ends of a long one at folder boundaries', () => {
    expect(shortenPath('a/b/c.png')).toBe('a/b/c.png');
    const deep = Array.from({ length: 150 }, (_, i) => `folder-${String(i).padStart(3, '0')}`).join('/');
    const short = shortenPath(`${deep}/x.png`);
    expect(short.startsWith('folder-000/folder-001/')).toBe(true);
    expect(short.endsWith('/folder-148/folder-149/x.png')).toBe(true);
    expect(short).toContain('/…/');
    expect(short.length).toBeLessThanOrEqual(64 * 2 + 3);
  });

  it('cuts inside a name only when one name is longer than an end', () => {
    const short = shortenPath(`${'a'.repeat(200)}/${'b'.repeat(200)}`);
    expect(short).toBe(`${'a'.repeat(64)}/…/${'b'.repeat(64)}`);
  });
});

describe('pathTooLongReason', () => {
  it('says how long, how deep, the limit and what was left out', () => {
    expect(pathTooLongReason(5000, 140, true)).toMatch(
      /^path is 5,000 bytes long \(140 names deep\), over the system's limit of [\d,]+ \(PATH_MAX\); this folder and everything in it were not imported/,
    );
    expect(pathTooLongReason(5000, 140, false)).toMatch(/this file was not imported/);
  });
});
