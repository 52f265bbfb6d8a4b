import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../core/api/contract.ts';
import { CHANNELS } from '../shared/channels.ts';
import { createBridge, type IpcRendererLike } from './bridge.ts';

function fakeIpc(answers: Record<string, unknown> = {}) {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push({ channel, args });
      return answers[channel];
    },
    on: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  const emit = (channel: string, payload: unknown) =>
    listeners.get(channel)?.forEach((l) => l({ sender: 'secret ipc event' }, payload));
  return { ipc, invoked, emit, count: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

describe('the preload bridge', () => {
  it('sends calls on the call channel as { method, params }', async () => {
    const f = fakeIpc({ [CHANNELS.call]: { ok: true, result: 42 } });
    const bridge = createBridge(f.ipc, () => '');
    expect(await bridge.call('info', {})).toEqual({ ok: true, result: 42 });
    expect(f.invoked).toEqual([{ channel: 'nearlab:call', args: [{ method: 'info', params: {} }] }]);
  });

  it('passes events to the listener without the IPC event object, until unsubscribed', () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc, () => '');
    const got: unknown[][] = [];
    const off = bridge.subscribe((...args) => got.push(args));
    const e: ApiEvent = { type: 'lab-changed' };
    f.emit(CHANNELS.event, e);
    expect(got).toEqual([[e]]);
    off();
    expect(f.count(CHANNELS.event)).toBe(0);
    f.emit(CHANNELS.event, e);
    expect(got).toHaveLength(1);
  });

  it('returns the picked folder or null', async () => {
    expect(await createBridge(fakeIpc({ [CHANNELS.pickFolder]: '/photos' }).ipc, () => '').pickFolder()).toBe(
      '/photos',
    );
    expect(
      await createBridge(fakeIpc({ [CHANNELS.pickFolder]: { path: '/x' } }).ipc, () => '').pickFolder(),
    ).toBeNull();
  });

  it('gives a dropped file its path, or null when it has none', () => {
    const file = {} as File;
    expect(createBridge(fakeIpc().ipc, () => '/photos/a.png').pathForFile(file)).toBe('/photos/a.png');
    expect(createBridge(fakeIpc().ipc, () => '').pathForFile(file)).toBeNull();
  });
});
