import { describe, expect, it } from 'vitest';
import { isAppUrl, originOf } from './origin.ts';

describe('originOf', () => {
  it('gives scheme://host for the app scheme, which Node would call opaque', () => {
    expect(new URL('nearlab-app://app/index.html').origin).toBe('null');
    expect(originOf('nearlab-app://app/index.html')).toBe('nearlab-app://app');
    expect(originOf('http://localhost:5173/src/main.ts')).toBe('http://localhost:5173');
    expect(originOf('HTTP://LOCALHOST:5173/')).toBe('http://localhost:5173');
  });

  it('has no origin for schemes or URLs the app never trusts', () => {
    for (const url of [
      'file:///work/main/out/renderer/index.html',
      'data:text/html,<b>x</b>',
      'about:blank',
      'javascript:alert(1)',
      'nearlab-media://thumb/1',
      'http://user:pw@localhost:5173/',
      'not a url',
      '',
      null,
      undefined,
    ]) {
      expect(originOf(url), String(url)).toBeNull();
    }
  });
});

describe('isAppUrl', () => {
  it('matches the app origin exactly', () => {
    expect(isAppUrl('nearlab-app://app/assets/index.js', 'nearlab-app://app')).toBe(true);
    expect(isAppUrl('nearlab-app://evil/index.html', 'nearlab-app://app')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('https://localhost:5173/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('http://localhost.evil.com:5173/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('about:blank', 'about:blank')).toBe(false);
  });
});
