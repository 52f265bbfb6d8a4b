import { BrowserWindow } from 'electron';

/**
 * The lab window, with Electron's security checklist as its web preferences (written out here, not
 * computed, so Electronegativity can read them). The preload is one CommonJS file because
 * sandboxed preloads cannot load modules. The window is shown once its first paint is ready.
 */
export function createMainWindow(options: { preload: string; url: string; title: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: options.title,
    show: false,
    backgroundColor: '#1b1d21',
    webPreferences: {
      preload: options.preload,
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
      // Middle-click would otherwise open links in new windows (which are denied anyway).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.url);
  return win;
}
