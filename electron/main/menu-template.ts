import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newLab(): void;
  openLab(): void;
  /** Shows the lab file in the system's file manager. */
  revealLab(): void;
  about(): void;
}

/**
 * The application menu. Developer tools and reload are offered only in development; nothing in
 * the menu loads remote content.
 */
export function menuTemplate(
  actions: MenuActions,
  options: { isMac: boolean; isDev: boolean },
): MenuItemConstructorOptions[] {
  const { isMac, isDev } = options;
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (isDev)
    view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Lab…', accelerator: 'CmdOrCtrl+N', click: () => actions.newLab() },
        { label: 'Open Lab…', accelerator: 'CmdOrCtrl+O', click: () => actions.openLab() },
        { label: 'Show Lab File', click: () => actions.revealLab() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'About Nearlab', click: () => actions.about() }],
    },
  ];
}
