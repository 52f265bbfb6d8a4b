import { describe, expect, it, vi } from 'vitest';
import type { NearlabBridge } from '$api/contract.ts';
import { connect } from './connect.ts';
import { electronTransport } from './transport-electron.ts';

describe('electronTransport', () => {
  it('calls through the preload bridge and serves media from the custom protocol', async () => {
    const bridge: NearlabBridge = {
      call: vi.fn(async () => ({ ok: true as const, result: { cancelled: true } })),
      subscribe: vi.fn(() => () => {}),
    };
    const t = electronTransport(bridge);
    expect(await t.call('cancelJob', { jobId: 'j' })).toEqual({ ok: true, result: { cancelled: true } });
    expect(bridge.call).toHaveBeenCalledWith('cancelJob', { jobId: 'j' });
    const l = () => {};
    t.subscribe(l);
    expect(bridge.subscribe).toHaveBeenCalledWith(l);
    expect(t.mediaUrl('thumb', 12)).toBe('nearlab-media://thumb/12');
    expect(t.mediaUrl('file', 3)).toBe('nearlab-media://file/3');
  });
});

describe('connect', () => {
  it('uses the bridge when the preload exposed one, and HTTP with the URL token otherwise', async () => {
    const bridge: NearlabBridge = {
      call: vi.fn(async () => ({ ok: true as const, result: 1 })),
      subscribe: () => () => {},
    };
    const electron = connect(Object.assign(Object.create(window), { nearlab: bridge }));
    expect(electron.http).toBeNull();
    expect(electron.client.mediaUrl('thumb', 1)).toBe('nearlab-media://thumb/1');

    const fake = { location: new URL('http://127.0.0.1:5000/?token=abc#/search') } as unknown as Window;
    const browser = connect(fake);
    expect(browser.http).not.toBeNull();
    expect(browser.client.mediaUrl('file', 2)).toBe('http://127.0.0.1:5000/media/file/2');
  });
});
