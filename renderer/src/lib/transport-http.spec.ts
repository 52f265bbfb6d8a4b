import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '$api/contract.ts';
import { HttpTransport } from './transport-http.ts';

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

function transport(fetchImpl: typeof fetch, token: string | null = 'tok') {
  FakeSocket.all = [];
  return new HttpTransport({
    origin: 'http://127.0.0.1:4000',
    token,
    fetch: fetchImpl,
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    retryMs: { min: 10, max: 40 },
  });
}

afterEach(() => vi.useRealTimers());

describe('HttpTransport', () => {
  it('POSTs the params as JSON to /api/<method> with the token and same-origin credentials', async () => {
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ ok: true, result: { total: 3, items: [] } })));
    const t = transport(fetchImpl as unknown as typeof fetch);
    const r = await t.call('listItems', { label: 'Flags' });
    expect(r).toEqual({ ok: true, result: { total: 3, items: [] } });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:4000/api/listItems');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['x-nearlab-token']).toBe('tok');
    expect(JSON.parse(init.body as string)).toEqual({ label: 'Flags' });
  });

  it('passes core errors through and turns a plain-text refusal into an error', async () => {
    const t1 = transport(
      (async () =>
        new Response(
          JSON.stringify({ ok: false, error: { kind: 'conflict', message: 'busy' } }),
        )) as unknown as typeof fetch,
    );
    expect(await t1.call('startImport', { folder: '/x' })).toEqual({
      ok: false,
      error: { kind: 'conflict', message: 'busy' },
    });

    const t2 = transport(
      (async () =>
        new Response('Nearlab refused this request: missing or wrong token.', {
          status: 401,
        })) as unknown as typeof fetch,
    );
    const r = await t2.call('info', {});
    expect(r).toEqual({
      ok: false,
      error: { kind: 'refused', message: 'Nearlab refused this request: missing or wrong token.' },
    });
  });

  it('reports a server that cannot be reached', async () => {
    const t = transport((async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch);
    const r = await t.call('info', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/cannot reach the Nearlab server.*Failed to fetch/);
  });

  it('builds media URLs on the server', () => {
    const t = transport(vi.fn() as unknown as typeof fetch);
    expect(t.mediaUrl('thumb', 7)).toBe('http://127.0.0.1:4000/media/thumb/7');
    expect(t.mediaUrl('file', 8)).toBe('http://127.0.0.1:4000/media/file/8');
  });

  it('delivers socket events, reconnects after a drop and then says the lab changed', async () => {
    vi.useFakeTimers();
    const t = transport(vi.fn() as unknown as typeof fetch);
    const events: ApiEvent[] = [];
    const states: string[] = [];
    t.onState((s) => states.push(s));
    t.subscribe((e) => events.push(e));
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0].url).toBe('ws://127.0.0.1:4000/events?token=tok');
    FakeSocket.all[0].onopen?.();
    FakeSocket.all[0].onmessage?.({ data: JSON.stringify({ type: 'lab-changed' }) });
    FakeSocket.all[0].onmessage?.({ data: 'not json' });
    FakeSocket.all[0].onmessage?.({ data: JSON.stringify({ type: 'other' }) });
    expect(events).toEqual([{ type: 'lab-changed' }]);

    FakeSocket.all[0].onclose?.();
    expect(states).toEqual(['connecting', 'open', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(15);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].onopen?.();
    expect(events).toEqual([{ type: 'lab-changed' }, { type: 'lab-changed' }]);
    expect(states.at(-1)).toBe('open');
    t.dispose();
    expect(FakeSocket.all[1].closed).toBe(true);
  });

  it('backs off between failed reconnects up to the maximum', async () => {
    vi.useFakeTimers();
    const t = transport(vi.fn() as unknown as typeof fetch);
    t.subscribe(() => {});
    for (let i = 0; i < 4; i++) {
      FakeSocket.all[i].onclose?.();
      await vi.advanceTimersByTimeAsync(45);
    }
    expect(FakeSocket.all).toHaveLength(5);
    FakeSocket.all[4].onclose?.();
    await vi.advanceTimersByTimeAsync(30);
    expect(FakeSocket.all).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(15);
    expect(FakeSocket.all).toHaveLength(6);
    t.dispose();
  });

  it('gives up after too many failed reconnects, says so, and tries again on request', async () => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    const t = new HttpTransport({
      origin: 'http://127.0.0.1:4000',
      token: 'tok',
      fetch: vi.fn() as unknown as typeof fetch,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      retryMs: { min: 10, max: 40 },
      giveUpAfter: 3,
    });
    const events: ApiEvent[] = [];
    const states: string[] = [];
    t.onState((s) => states.push(s));
    t.subscribe((e) => events.push(e));
    FakeSocket.all[0].onopen?.();
    // The server goes away: the first close and three failed reconnects.
    for (let i = 0; i < 4; i++) {
      FakeSocket.all[i].onclose?.();
      await vi.advanceTimersByTimeAsync(45);
    }
    expect(states.at(-1)).toBe('lost');
    expect(FakeSocket.all).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all).toHaveLength(4);

    t.retry();
    expect(states.at(-1)).toBe('reconnecting');
    expect(FakeSocket.all).toHaveLength(5);
    FakeSocket.all[4].onopen?.();
    expect(states.at(-1)).toBe('open');
    expect(events).toEqual([{ type: 'lab-changed' }]);
    t.dispose();
  });
});
