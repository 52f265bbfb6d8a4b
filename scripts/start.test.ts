import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers/corpus.ts';

interface LaunchFacts {
  electronBinary: string | null;
  electronError: string | null;
  binaryExists: boolean;
  platform: string;
  display: string | undefined;
  wayland: string | undefined;
  forceBrowser: boolean;
}
type Decision = { mode: 'electron'; binary: string } | { mode: 'browser'; reason: string };
interface StartModule {
  decideLaunch(f: LaunchFacts): Decision;
  parseStartArgs(argv: string[]): { lab?: string; port?: string; browser: boolean };
  needsBuild(output: number | null, newestSource: number): boolean;
  newestMtime(paths: string[]): number;
}

// A plain .mjs script (npm start runs it before anything is built): typed here by hand.
const start = (await import('./start.mjs' as string)) as StartModule;

const works: LaunchFacts = {
  electronBinary: '/app/node_modules/electron/dist/electron',
  electronError: null,
  binaryExists: true,
  platform: 'linux',
  display: ':0',
  wayland: undefined,
  forceBrowser: false,
};

describe('decideLaunch', () => {
  it('launches Electron when its binary exists and there is a display', () => {
    expect(start.decideLaunch(works)).toEqual({ mode: 'electron', binary: works.electronBinary });
    expect(start.decideLaunch({ ...works, display: undefined, wayland: 'wayland-0' }).mode).toBe('electron');
    expect(start.decideLaunch({ ...works, platform: 'darwin', display: undefined }).mode).toBe('electron');
    expect(start.decideLaunch({ ...works, platform: 'win32', display: undefined }).mode).toBe('electron');
  });

  it('falls back to browser mode, saying why, when the binary was never downloaded', () => {
    const d = start.decideLaunch({
      ...works,
      electronBinary: null,
      electronError: 'Electron failed to install correctly',
      binaryExists: false,
    });
    expect(d).toEqual({
      mode: 'browser',
      reason: 'the Electron binary was not downloaded (Electron failed to install correctly)',
    });
  });

  it('falls back when the binary path points nowhere', () => {
    const d = start.decideLaunch({ ...works, binaryExists: false });
    expect(d.mode).toBe('browser');
    expect(d.mode === 'browser' && d.reason).toContain(works.electronBinary);
  });

  it('falls back on Linux without a display', () => {
    const d = start.decideLaunch({ ...works, display: undefined, wayland: undefined });
    expect(d.mode === 'browser' && d.reason).toMatch(/no display/);
    expect(start.decideLaunch({ ...works, display: '', wayland: '' }).mode).toBe('browser');
  });

  it('obeys --browser', () => {
    expect(start.decideLaunch({ ...works, forceBrowser: true }).mode).toBe('browser');
  });

  it('gives one line of reason', () => {
    const d = start.decideLaunch({ ...works, electronBinary: null, electronError: 'first line', binaryExists: false });
    expect(d.mode === 'browser' && d.reason.includes('\n')).toBe(false);
  });
});

describe('parseStartArgs', () => {
  it('passes --lab and --port through in both spellings', () => {
    expect(start.parseStartArgs(['--lab', 'a.lab', '--port=8080'])).toEqual({
      lab: 'a.lab',
      port: '8080',
      browser: false,
    });
    expect(start.parseStartArgs(['--lab=/x/y z.lab', '--port', '0', '--browser'])).toEqual({
      lab: '/x/y z.lab',
      port: '0',
      browser: true,
    });
    expect(start.parseStartArgs([])).toEqual({ browser: false });
  });

  it('refuses what it does not know, with the fix', () => {
    expect(() => start.parseStartArgs(['--lab'])).toThrow(/--lab needs a value/);
    expect(() => start.parseStartArgs(['--port', 'http'])).toThrow(/--port must be a number/);
    expect(() => start.parseStartArgs(['--labs', 'x'])).toThrow(/unknown option "--labs".*--lab FILE/);
  });
});

describe('rebuilding before start', () => {
  it('builds when the output is missing or older than a source', () => {
    expect(start.needsBuild(null, 5)).toBe(true);
    expect(start.needsBuild(4, 5)).toBe(true);
    expect(start.needsBuild(5, 5)).toBe(false);
    expect(start.needsBuild(6, 5)).toBe(false);
  });

  it('finds the newest file in nested folders, skipping node_modules', () => {
    const dir = tempDir('nearlab-start-');
    mkdirSync(join(dir, 'src/views'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    const at = (rel: string, seconds: number) => {
      writeFileSync(join(dir, rel), 'x');
      utimesSync(join(dir, rel), seconds, seconds);
    };
    at('src/a.ts', 1000);
    at('src/views/b.svelte', 3000);
    at('node_modules/c.js', 9000);
    expect(start.newestMtime([dir, join(dir, 'missing')])).toBe(3_000_000);
    expect(start.newestMtime([join(dir, 'src/a.ts')])).toBe(1_000_000);
    expect(start.newestMtime([join(dir, 'none')])).toBe(0);
  });
});
