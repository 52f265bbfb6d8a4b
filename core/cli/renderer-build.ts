import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './options.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm run build` puts the renderer; NEARLAB_RENDERER_DIR names another folder (tests, packagers). */
export function rendererDir(): string {
  return process.env.NEARLAB_RENDERER_DIR || join(ROOT, 'out/renderer');
}

/**
 * Makes sure the browser UI is built before `nearlab serve` answers: on a fresh clone nothing is built yet, so it
 * builds the renderer once with Vite (its sources and Vite are in every checkout); elsewhere it says what to run.
 */
export function ensureRendererBuilt(dir = rendererDir(), log: (line: string) => void = console.error): void {
  if (existsSync(join(dir, 'index.html'))) return;
  let vite: string;
  try {
    vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '../bin/vite.js');
  } catch {
    throw new CliError(`the browser UI is not built (${dir} has no index.html): run \`npm run build:renderer\``);
  }
  log(`nearlab: building the browser UI once into ${dir} (about half a minute)…`);
  const r = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      join(ROOT, 'renderer/vite.config.ts'),
      '--outDir',
      dir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (r.status !== 0 || !existsSync(join(dir, 'index.html'))) {
    throw new CliError(
      `building the browser UI failed (exit ${r.status ?? r.signal}); run \`npm run build:renderer\` to see why`,
    );
  }
}
