import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isAllowedNetworkRequest } from './navigation.ts';

describe('isAllowedNavigation', () => {
  it('stays within the app', () => {
    expect(isAllowedNavigation('nearlab-app://app/index.html', 'nearlab-app://app')).toBe(true);
    expect(isAllowedNavigation('http://localhost:5173/index.html', 'http://localhost:5173')).toBe(true);
  });

  it('refuses every other destination', () => {
    for (const url of [
      'https://example.com/',
      'http://localhost:5173/',
      'file:///etc/passwd',
      'nearlab-media://file/3',
      'javascript:alert(1)',
      'data:text/html,x',
      'mailto:a@b.c',
      'nearlab-app://app.evil/',
    ]) {
      expect(isAllowedNavigation(url, 'nearlab-app://app'), url).toBe(false);
    }
  });
});

describe('isAllowedNetworkRequest', () => {
  it('lets nothing remote through in production', () => {
    for (const url of ['https://example.com/x.js', 'http://localhost:5173/', 'ws://127.0.0.1:1/']) {
      expect(isAllowedNetworkRequest(url, null), url).toBe(false);
    }
  });

  it('in development allows the dev server and its hot-reload socket only', () => {
    const dev = 'http://localhost:5173';
    expect(isAllowedNetworkRequest('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isAllowedNetworkRequest('ws://localhost:5173/?token=abc', dev)).toBe(true);
    expect(isAllowedNetworkRequest('wss://localhost:5173/', dev)).toBe(false);
    expect(isAllowedNetworkRequest('http://localhost:5174/', dev)).toBe(false);
    expect(isAllowedNetworkRequest('https://cdn.example.com/lib.js', dev)).toBe(false);
    expect(isAllowedNetworkRequest('http://u:p@localhost:5173/', dev)).toBe(false);
  });
});
