import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppAsset } from './app-url.ts';

const DIR = '/app/out/renderer';

describe('resolveAppAsset', () => {
  it('maps app URLs to files of the built renderer', () => {
    expect(resolveAppAsset('nearlab-app://app/', DIR)).toBe(join(DIR, 'index.html'));
    expect(resolveAppAsset('nearlab-app://app/index.html', DIR)).toBe(join(DIR, 'index.html'));
    expect(resolveAppAsset('nearlab-app://app/assets/index-abc.js?x=1', DIR)).toBe(join(DIR, 'assets/index-abc.js'));
    expect(resolveAppAsset('nearlab-app://app/assets/a%20b.svg', DIR)).toBe(join(DIR, 'assets/a b.svg'));
  });

  it('never leaves the renderer folder', () => {
    // Literal dot segments are resolved by the URL parser first, so they stay inside.
    expect(resolveAppAsset('nearlab-app://app/../../main/index.js', DIR)).toBe(join(DIR, 'main/index.js'));
    expect(resolveAppAsset('nearlab-app://app/%2e%2e/%2e%2e/etc/passwd', DIR)).toBe(join(DIR, 'etc/passwd'));
    for (const url of [
      'nearlab-app://app/..%2Fmain%2Findex.js',
      'nearlab-app://app/assets/..%2F..%2F..%2Fetc%2Fpasswd',
      'nearlab-app://app/..%5C..%5Cetc',
      'nearlab-app://app/index.html%00.js',
      'nearlab-app://app/%E0%A4%A',
    ]) {
      expect(resolveAppAsset(url, DIR), url).toBeNull();
    }
  });

  it('serves only the app host of the app scheme', () => {
    for (const url of [
      'nearlab-app://evil/index.html',
      'nearlab-app://app:81/index.html',
      'file:///app/out/renderer/index.html',
      'nearlab-media://app/index.html',
      'http://app/index.html',
    ]) {
      expect(resolveAppAsset(url, DIR), url).toBeNull();
    }
  });
});
