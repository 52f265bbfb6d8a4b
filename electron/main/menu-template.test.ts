import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, type MenuActions } from './menu-template.ts';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function actions() {
  const called: string[] = [];
  const a: MenuActions = {
    newLab: () => called.push('new'),
    openLab: () => called.push('open'),
    revealLab: () => called.push('reveal'),
    about: () => called.push('about'),
  };
  return { a, called };
}

describe('menuTemplate', () => {
  it('offers the lab actions in File', () => {
    const { a, called } = actions();
    const items = flatten(menuTemplate(a, { isMac: false, isDev: false }));
    const byLabel = (l: string) => items.find((i) => i.label === l);
    (byLabel('Open Lab…')?.click as () => void)();
    (byLabel('New Lab…')?.click as () => void)();
    (byLabel('About Nearlab')?.click as () => void)();
    expect(called).toEqual(['open', 'new', 'about']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
  });

  it('offers developer tools and reload only in development', () => {
    const roles = (isDev: boolean) => flatten(menuTemplate(actions().a, { isMac: false, isDev })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('uses the macOS app menu there', () => {
    const mac = menuTemplate(actions().a, { isMac: true, isDev: false });
    expect(mac[0].role).toBe('appMenu');
    expect(flatten(mac).some((i) => i.role === 'quit')).toBe(false);
  });
});
