import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './sender.ts';

const APP = 'nearlab-app://app';

describe('isTrustedSender', () => {
  it("trusts the app's own page in its top frame", () => {
    expect(isTrustedSender('nearlab-app://app/index.html', APP)).toBe(true);
    expect(isTrustedSender('nearlab-app://app/index.html#/search', APP)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
  });

  it('refuses sub-frames, other origins, local files and data pages', () => {
    expect(isTrustedSender('nearlab-app://app/index.html', APP, false)).toBe(false);
    for (const url of [
      'https://example.com/',
      'file:///work/main/out/renderer/index.html',
      'data:text/html,hi',
      'about:blank',
      'nearlab-app://other/',
      'nearlab-media://file/1',
      '',
      null,
      undefined,
    ]) {
      expect(isTrustedSender(url, APP), String(url)).toBe(false);
    }
  });

  it('in development trusts the dev server and nothing else', () => {
    expect(isTrustedSender('nearlab-app://app/index.html', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/', 'http://localhost:5173')).toBe(false);
  });
});
