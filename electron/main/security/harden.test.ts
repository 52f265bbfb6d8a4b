import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { hardenSession, hardenWebContents } from './harden.ts';

type Listener = (...args: unknown[]) => unknown;

function fakeContents() {
  const on = new Map<string, Listener>();
  let openHandler: Listener | null = null;
  const contents = {
    on: (event: string, l: Listener) => void on.set(event, l),
    setWindowOpenHandler: (h: Listener) => void (openHandler = h),
  } as unknown as WebContents;
  const fire = (event: string, url?: string) => {
    let prevented = false;
    on.get(event)?.({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe('hardenWebContents', () => {
  it('refuses navigation and redirects away from the app, and says so', () => {
    const logs: string[] = [];
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, 'nearlab-app://app', (l) => logs.push(l));
    expect(fire('will-navigate', 'nearlab-app://app/index.html')).toBe(false);
    expect(fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-redirect', 'https://example.com/')).toBe(true);
    expect(logs).toHaveLength(3);
  });

  it('denies every new window and every webview', () => {
    const { contents, fire, open } = fakeContents();
    hardenWebContents(contents, 'nearlab-app://app', () => {});
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(open('nearlab-app://app/index.html')).toEqual({ action: 'deny' });
    expect(fire('will-attach-webview')).toBe(true);
  });
});

function fakeSession() {
  const h: Record<string, Listener> = {};
  let filter: unknown = null;
  const session = {
    setPermissionRequestHandler: (f: Listener) => void (h.request = f),
    setPermissionCheckHandler: (f: Listener) => void (h.check = f),
    setDevicePermissionHandler: (f: Listener) => void (h.device = f),
    webRequest: {
      onBeforeRequest: (f: unknown, l: Listener) => {
        filter = f;
        h.before = l;
      },
      onHeadersReceived: (l: Listener) => void (h.headers = l),
    },
  } as unknown as Session;
  return { session, h, filter: () => filter };
}

describe('hardenSession', () => {
  it('answers permission requests and checks with the decision function', () => {
    const { session, h } = fakeSession();
    hardenSession(session, 'nearlab-app://app', null, () => {});
    const answers: boolean[] = [];
    h.request(null, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: 'nearlab-app://app/index.html' });
    h.request(null, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'nearlab-app://app/index.html',
    });
    h.request(null, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'https://example.com/',
    });
    expect(answers).toEqual([false, true, false]);
    expect(h.check(null, 'geolocation', 'nearlab-app://app')).toBe(false);
    expect(h.device({})).toBe(false);
  });

  it('cancels remote requests in production and sets the CSP on responses', () => {
    const { session, h, filter } = fakeSession();
    hardenSession(session, 'nearlab-app://app', null, () => {});
    expect(filter()).toEqual({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] });
    let answer: unknown;
    h.before({ url: 'https://cdn.example.com/x.js' }, (r: unknown) => (answer = r));
    expect(answer).toEqual({ cancel: true });
    h.headers({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r: unknown) => (answer = r));
    const headers = (answer as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'none'");
    expect(headers['Content-Type']).toEqual(['text/html']);
  });

  it('lets the dev server through in development', () => {
    const { session, h } = fakeSession();
    hardenSession(session, 'http://localhost:5173', 'http://localhost:5173', () => {});
    let answer: unknown;
    h.before({ url: 'http://localhost:5173/src/main.ts' }, (r: unknown) => (answer = r));
    expect(answer).toEqual({ cancel: false });
  });
});
