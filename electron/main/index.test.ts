/**
 * The main process wired together, with Electron replaced by a recording fake (its binary is not
 * needed): schemes registered before ready, the sandbox on, the window's preferences, the IPC
 * handlers checking their sender, core forked and its events forwarded to the app's window only.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const e = vi.hoisted(() => {
  const order: string[] = [];
  const appListeners = new Map<string, Listener>();
  const protocols = new Map<string, (r: Request) => Promise<Response>>();
  const ipc = new Map<string, Listener>();
  const windows: { options: { webPreferences: Record<string, unknown> }; url: string; sent: unknown[][] }[] = [];
  const forks: { entry: string; args: string[]; posted: unknown[]; listeners: Map<string, Listener> }[] = [];
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => (readyResolve = r));
  return { order, appListeners, protocols, ipc, windows, forks, ready, readyResolve: () => readyResolve() };
});

vi.mock('electron', () => {
  class BrowserWindow {
    static all: BrowserWindow[] = [];
    static getAllWindows = () => BrowserWindow.all;
    record: (typeof e.windows)[number];
    webContents: { getURL: () => string; send: (...a: unknown[]) => void };
    constructor(options: (typeof e.windows)[number]['options']) {
      this.record = { options, url: '', sent: [] };
      e.windows.push(this.record);
      BrowserWindow.all.push(this);
      this.webContents = { getURL: () => this.record.url, send: (...a) => void this.record.sent.push(a) };
    }
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
    once() {}
    on() {}
    setTitle() {}
    isDestroyed() {
      return false;
    }
  }
  const fakeSession = {
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
    setDevicePermissionHandler: () => {},
    webRequest: { onBeforeRequest: () => {}, onHeadersReceived: () => {} },
  };
  return {
    app: {
      isPackaged: false,
      getAppPath: () => '/app',
      enableSandbox: () => e.order.push('enableSandbox'),
      requestSingleInstanceLock: () => true,
      on: (event: string, l: Listener) => void e.appListeners.set(event, l),
      whenReady: () => {
        e.order.push('whenReady');
        return e.ready;
      },
      quit: () => {},
      showAboutPanel: () => {},
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => {
        e.order.push('registerSchemesAsPrivileged');
        (e as unknown as { schemes: unknown }).schemes = schemes;
      },
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => void e.protocols.set(scheme, h),
    },
    session: { defaultSession: fakeSession },
    ipcMain: { handle: (channel: string, l: Listener) => void e.ipc.set(channel, l) },
    BrowserWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    dialog: { showMessageBox: vi.fn(async () => ({ response: 1 })), showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
    shell: { showItemInFolder: () => {} },
    utilityProcess: {
      fork: (entry: string, args: string[]) => {
        const child = { entry, args, posted: [] as unknown[], listeners: new Map<string, Listener>() };
        e.forks.push(child);
        return {
          postMessage: (m: unknown) => void child.posted.push(m),
          on: (event: string, l: Listener) => void child.listeners.set(event, l),
          kill: () => true,
        };
      },
    },
  };
});

beforeAll(async () => {
  delete process.env.ELECTRON_RENDERER_URL;
  await import('./index.ts');
  e.readyResolve();
  await vi.waitFor(() => expect(e.windows).toHaveLength(1));
});

const appFrame = { senderFrame: { url: 'nearlab-app://app/index.html', parent: null } };

describe('the main process', () => {
  it('registers both schemes as privileged and enables the sandbox before ready', () => {
    expect(e.order.slice(0, 3)).toEqual(['registerSchemesAsPrivileged', 'enableSandbox', 'whenReady']);
    const schemes = (e as unknown as { schemes: { scheme: string; privileges: Record<string, boolean> }[] }).schemes;
    expect(schemes.map((s) => s.scheme)).toEqual(['nearlab-app', 'nearlab-media']);
    for (const s of schemes) expect(s.privileges).toMatchObject({ standard: true, secure: true });
    expect(schemes.some((s) => s.privileges.bypassCSP || s.privileges.corsEnabled)).toBe(false);
  });

  it('opens one sandboxed window on the app scheme with the CommonJS preload', () => {
    const w = e.windows[0];
    expect(w.url).toBe('nearlab-app://app/index.html');
    expect(w.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('hardens every web contents and serves both schemes', () => {
    expect(e.appListeners.has('web-contents-created')).toBe(true);
    expect([...e.protocols.keys()].sort()).toEqual(['nearlab-app', 'nearlab-media']);
  });

  it('forks core from out/main/utility.js', () => {
    expect(e.forks).toHaveLength(1);
    expect(e.forks[0].entry).toBe('/app/out/main/utility.js');
  });

  it('forwards calls from the app to core and refuses other senders', async () => {
    const call = e.ipc.get('nearlab:call')!;
    const evil = await call(
      { senderFrame: { url: 'https://example.com/', parent: null } },
      { method: 'info', params: {} },
    );
    expect(evil).toMatchObject({ ok: false, error: { kind: 'forbidden' } });

    const child = e.forks[0];
    child.listeners.get('message')!({ type: 'ready', lab: '/labs/a.lab' });
    const answer = call(appFrame, { method: 'info', params: {} }) as Promise<unknown>;
    await vi.waitFor(() => expect(child.posted).toHaveLength(1));
    expect(child.posted[0]).toEqual({ type: 'call', id: 1, method: 'info', params: {} });
    child.listeners.get('message')!({
      type: 'response',
      id: 1,
      response: { ok: true, result: { lab: '/labs/a.lab' } },
    });
    expect(await answer).toEqual({ ok: true, result: { lab: '/labs/a.lab' } });
  });

  it("sends core's events to the app's window", () => {
    e.forks[0].listeners.get('message')!({ type: 'event', event: { type: 'lab-changed' } });
    expect(e.windows[0].sent).toEqual([['nearlab:event', { type: 'lab-changed' }]]);
  });

  it('serves media by item id only', async () => {
    const media = e.protocols.get('nearlab-media')!;
    expect((await media(new Request('nearlab-media://file/..%2F..%2Fetc%2Fpasswd'))).status).toBe(404);
    const pending = media(new Request('nearlab-media://thumb/5'));
    const child = e.forks[0];
    await vi.waitFor(() => expect(child.posted.at(-1)).toMatchObject({ type: 'media', kind: 'thumb', itemId: 5 }));
    const id = (child.posted.at(-1) as { id: number }).id;
    child.listeners.get('message')!({
      type: 'media',
      id,
      result: { kind: 'thumb', mime: 'image/webp', data: new Uint8Array([9]) },
    });
    const r = await pending;
    expect(r.headers.get('content-type')).toBe('image/webp');
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([9]);
  });
});
