import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Read-only and full file systems for tests, made with mount(8): a read-only bind mount of a folder and a tiny
 * tmpfs. They need root (or CAP_SYS_ADMIN); `canMount` says whether this machine allows them, so tests can skip.
 */

function mount(args: string[]): void {
  execFileSync('mount', args, { stdio: 'ignore' });
}

/** True when a tmpfs can be mounted and unmounted here. */
export const canMount: boolean = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'nearlab-mount-'));
  try {
    mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/** A mounted folder; `unmount` removes the mount and the mount point. */
export interface Mount {
  dir: string;
  unmount(): void;
}

function mountPoint(): string {
  return mkdtempSync(join(tmpdir(), 'nearlab-mnt-'));
}

function mounted(dir: string): Mount {
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `source` seen through a read-only bind mount: nothing can be written there, root included. */
export function readOnlyView(source: string): Mount {
  const dir = mountPoint();
  mount(['--bind', source, dir]);
  mount(['-o', 'remount,bind,ro', dir]);
  return mounted(dir);
}

/** An empty tmpfs of `size` (e.g. '3m'): a disk that fills up quickly. */
export function smallDisk(size: string): Mount {
  const dir = mountPoint();
  mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return mounted(dir);
}

/** How to run a command as an unprivileged user when the tests run as root (chmod does not stop root), or null. */
export const asNobody: string[] | null = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  for (const prefix of [
    ['runuser', '-u', 'nobody', '--'],
    ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'],
  ]) {
    try {
      execFileSync(prefix[0], [...prefix.slice(1), 'true'], { stdio: 'ignore' });
      return prefix;
    } catch {
      // not installed, or not allowed here
    }
  }
  return null;
})();
