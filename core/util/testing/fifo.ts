import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes a named pipe (FIFO) at `path` with the system's mkfifo. */
export function makeFifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Whether this platform can make named pipes (tests that need one skip where it cannot). */
export const CAN_MAKE_FIFO: boolean = (() => {
  if (process.platform === 'win32') return false;
  const dir = mkdtempSync(join(tmpdir(), 'nearlab-fifo-'));
  try {
    makeFifo(join(dir, 'probe'));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/** Running as root: permission bits do not stop reads, so "unreadable file" cases cannot be staged. */
export const IS_ROOT = process.getuid?.() === 0;
