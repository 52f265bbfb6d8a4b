import { describe, expect, it } from 'vitest';
import { isAllowedPermission } from './permissions.ts';

const APP = 'nearlab-app://app';

describe('isAllowedPermission', () => {
  it('denies every powerful permission, even to the app', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'midiSysex',
      'openExternal',
      'clipboard-read',
      'display-capture',
      'fileSystem',
      'hid',
      'serial',
      'usb',
      'pointerLock',
      'fullscreen',
      'unknown',
    ]) {
      expect(isAllowedPermission(p, 'nearlab-app://app/index.html', APP), p).toBe(false);
    }
  });

  it('lets only the app page write to the clipboard', () => {
    expect(isAllowedPermission('clipboard-sanitized-write', 'nearlab-app://app/index.html', APP)).toBe(true);
    expect(isAllowedPermission('clipboard-sanitized-write', 'https://example.com/', APP)).toBe(false);
    expect(isAllowedPermission('clipboard-sanitized-write', 'file:///tmp/x.html', APP)).toBe(false);
    expect(isAllowedPermission('clipboard-sanitized-write', undefined, APP)).toBe(false);
  });
});
