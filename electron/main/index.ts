/**
 * Electron main process: one window showing the renderer from `nearlab-app://app/` (or the
 * electron-vite dev server in development), core in a utility process, the preload's typed API
 * over the IPC channels in electron/README.md, media from `nearlab-media:`. Every rule of
 * Electron's security checklist lives in ./security/ with its own test.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { basename, join } from 'node:path';
import { MEDIA_SCHEME, type ApiEvent } from '../../core/api/contract.ts';
import { labArgument } from '../../core/process/args.ts';
import { APP_ORIGIN, APP_SCHEME, CHANNELS } from '../shared/channels.ts';
import { createAppHandler } from './app-protocol.ts';
import { CoreHost, type CoreProblem } from './core-host.ts';
import { createCallHandler, createPickFolderHandler, type SenderEvent } from './ipc.ts';
import { createMediaHandler } from './media-protocol.ts';
import { menuTemplate } from './menu-template.ts';
import { securityHeaders } from './security/csp.ts';
import { hardenSession, hardenWebContents } from './security/harden.ts';
import { isAppUrl, originOf } from './security/origin.ts';
import { forkCore } from './utility.ts';
import { createMainWindow } from './window.ts';

// Privileged schemes must be registered before the app is ready.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
app.enableSandbox();

const log = (line: string) => console.log(`[nearlab] ${line}`);
const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
const appOrigin = originOf(devServerUrl) ?? APP_ORIGIN;
const appRoot = app.getAppPath();
const paths = {
  preload: join(appRoot, 'out', 'preload', 'index.cjs'),
  renderer: join(appRoot, 'out', 'renderer'),
  core: join(appRoot, 'out', 'main', 'utility.js'),
};
const LAB_FILTERS = [
  { name: 'Nearlab lab', extensions: ['nearlab', 'lab'] },
  { name: 'All files', extensions: ['*'] },
];

let win: BrowserWindow | null = null;

function broadcast(event: ApiEvent): void {
  for (const w of BrowserWindow.getAllWindows()) {
    if (!w.isDestroyed() && isAppUrl(w.webContents.getURL(), appOrigin)) w.webContents.send(CHANNELS.event, event);
  }
}

function showProblem(p: CoreProblem): void {
  const options = {
    type: 'error' as const,
    title: 'Nearlab',
    message: p.kind === 'fatal' ? 'Nearlab could not open the lab' : 'Nearlab core stopped',
    detail: p.message,
    buttons: p.kind === 'fatal' ? ['Open Another Lab…', 'Close'] : ['OK'],
    defaultId: 0,
  };
  const shown = win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options);
  void shown.then(({ response }) => {
    if (p.kind === 'fatal' && response === 0) void openLab();
  });
}

let core: CoreHost | null = null;

async function openLab(): Promise<void> {
  const r = await (win
    ? dialog.showOpenDialog(win, { title: 'Open a Nearlab lab', properties: ['openFile'], filters: LAB_FILTERS })
    : dialog.showOpenDialog({ title: 'Open a Nearlab lab', properties: ['openFile'], filters: LAB_FILTERS }));
  if (!r.canceled && r.filePaths[0]) await core?.switchLab(r.filePaths[0]);
}

async function newLab(): Promise<void> {
  const options = { title: 'Create a Nearlab lab', defaultPath: 'lab.nearlab', filters: LAB_FILTERS };
  const r = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
  if (!r.canceled && r.filePath) await core?.switchLab(r.filePath);
}

async function pickFolder(): Promise<string | null> {
  const options = { title: 'Choose a folder of images to import', properties: ['openDirectory' as const] };
  const r = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

function openWindow(): void {
  win = createMainWindow({
    preload: paths.preload,
    url: devServerUrl ?? `${APP_ORIGIN}/index.html`,
    title: core?.lab ? `Nearlab — ${basename(core.lab)}` : 'Nearlab',
  });
  win.on('closed', () => (win = null));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appOrigin, log));

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, appOrigin, devServerUrl, log);
    protocol.handle(APP_SCHEME, createAppHandler(paths.renderer, securityHeaders(null)));
    const host = new CoreHost({
      // Packaged, the sample lives in resources/sample outside the asar archive (see electron.builder.yml).
      spawn: forkCore(paths.core, app.isPackaged ? { NEARLAB_SAMPLE_DIR: join(process.resourcesPath, 'sample') } : {}),
      onEvent: broadcast,
      onProblem: showProblem,
      onReady: (lab) => win?.setTitle(`Nearlab — ${basename(lab)}`),
      log,
    });
    core = host;
    host.start(labArgument(process.argv));
    protocol.handle(
      MEDIA_SCHEME,
      createMediaHandler((kind, itemId) => host.media(kind, itemId), appOrigin),
    );

    const call = createCallHandler({ appOrigin, forward: (m, p) => host.call(m, p), log });
    ipcMain.handle(CHANNELS.call, (event, payload: unknown) => call(event as SenderEvent, payload));
    const folder = createPickFolderHandler({ appOrigin, pick: pickFolder, log });
    ipcMain.handle(CHANNELS.pickFolder, (event) => folder(event as SenderEvent));

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          {
            newLab: () => void newLab(),
            openLab: () => void openLab(),
            revealLab: () => host.lab && shell.showItemInFolder(host.lab),
            about: () => app.showAboutPanel(),
          },
          { isMac: process.platform === 'darwin', isDev: devServerUrl !== null },
        ),
      ),
    );
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    // Let core cancel its jobs and close the lab cleanly before the app exits.
    event.preventDefault();
    quitting = true;
    void core.stop().finally(() => app.quit());
  });
}
