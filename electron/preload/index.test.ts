import { beforeEach, describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => new Map<string, unknown>());
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: { invoke: vi.fn(async () => ({ ok: true, result: 'pong' })), on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: () => '/dropped' },
}));

describe('the preload entry', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('./index.ts');
  });

  it('exposes exactly one API, window.nearlab, with only the bridge functions', async () => {
    expect([...exposed.keys()]).toEqual(['nearlab']);
    const api = exposed.get('nearlab') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['call', 'pathForFile', 'pickFolder', 'subscribe']);
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
    expect(await (api.call as (m: string, p: unknown) => Promise<unknown>)('info', {})).toEqual({
      ok: true,
      result: 'pong',
    });
  });
});
