import { describe, expect, it } from 'vitest';
import type { RpcResponse } from '../../core/api/rpc.ts';
import { createCallHandler, createPickFolderHandler, type SenderEvent } from './ipc.ts';

const APP = 'nearlab-app://app';
const top = (url: string): SenderEvent => ({ senderFrame: { url, parent: null } });

function setup() {
  const forwarded: { method: string; params: unknown }[] = [];
  const logs: string[] = [];
  const handler = createCallHandler({
    appOrigin: APP,
    forward: async (method, params): Promise<RpcResponse> => {
      forwarded.push({ method, params });
      return { ok: true, result: { echoed: method } };
    },
    log: (l) => logs.push(l),
  });
  return { handler, forwarded, logs };
}

describe('the nearlab:call handler', () => {
  it('forwards a valid call from the app with defaults filled in', async () => {
    const { handler, forwarded } = setup();
    const r = await handler(top('nearlab-app://app/index.html'), { method: 'listItems', params: { text: 'red' } });
    expect(r).toEqual({ ok: true, result: { echoed: 'listItems' } });
    expect(forwarded).toEqual([{ method: 'listItems', params: { text: 'red', offset: 0, limit: 200 } }]);
  });

  it('refuses other senders before looking at the payload', async () => {
    const { handler, forwarded, logs } = setup();
    const events: SenderEvent[] = [
      top('https://example.com/'),
      top('file:///tmp/evil.html'),
      top('data:text/html,x'),
      { senderFrame: { url: 'nearlab-app://app/index.html', parent: {} } },
      { senderFrame: null },
    ];
    for (const e of events) {
      expect(await handler(e, { method: 'info', params: {} })).toMatchObject({
        ok: false,
        error: { kind: 'forbidden' },
      });
    }
    expect(forwarded).toEqual([]);
    expect(logs).toHaveLength(events.length);
  });

  it('refuses malformed payloads, unknown methods and invalid parameters without forwarding', async () => {
    const { handler, forwarded } = setup();
    const app = top('nearlab-app://app/');
    for (const payload of [
      null,
      'info',
      { method: 'info', params: {}, extra: 1 },
      { method: 'constructor', params: {} },
      { method: '__proto__', params: {} },
      { method: 'deleteLab', params: { path: '/' } },
      { method: 'listItems', params: { limit: 5000 } },
      { method: 'item', params: { id: '../../etc/passwd' } },
      { method: 'startImport', params: { folder: '' } },
      { method: 'info', params: { path: '/etc' } },
    ]) {
      const r = await handler(app, payload);
      expect(r, JSON.stringify(payload)).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
    }
    expect(forwarded).toEqual([]);
  });

  it('treats missing params as an empty object', async () => {
    const { handler, forwarded } = setup();
    expect((await handler(top('nearlab-app://app/'), { method: 'info' })).ok).toBe(true);
    expect(forwarded).toEqual([{ method: 'info', params: {} }]);
  });
});

describe('the nearlab:pick-folder handler', () => {
  it('shows the dialog only for the app', async () => {
    let shown = 0;
    const pick = createPickFolderHandler({ appOrigin: APP, pick: async () => (shown++, '/photos'), log: () => {} });
    expect(await pick(top('nearlab-app://app/index.html'))).toBe('/photos');
    expect(await pick(top('https://example.com/'))).toBeNull();
    expect(shown).toBe(1);
  });
});
