import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the renderer that `nearlab serve` serves, and checks the browser is there. */
export default function globalSetup(): void {
  const chromium = process.env.NEARLAB_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(`${chromium} is missing: install Debian's Chromium (apt-get install -y chromium)`);
  }
  execFileSync('npm', ['run', 'build:renderer'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
