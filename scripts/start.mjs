#!/usr/bin/env node
// `npm start [-- --lab FILE] [--port N] [--browser]`: the Electron app where Electron can start;
// otherwise (no Electron binary, no display, or --browser) one line saying why, then browser mode
// (`nearlab serve`), building whatever is missing or older than its sources first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {{ lab?: string, port?: string, browser: boolean }} StartArgs
 * @typedef {{ electronBinary: string | null, electronError: string | null, binaryExists: boolean,
 *   platform: string, display: string | undefined, wayland: string | undefined, forceBrowser: boolean }} LaunchFacts
 * @typedef {{ mode: 'electron', binary: string } | { mode: 'browser', reason: string }} LaunchDecision
 */

/** Reads npm start's own options; anything else is an error the user can fix. @returns {StartArgs} */
export function parseStartArgs(argv) {
  /** @type {StartArgs} */
  const out = { browser: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(lab|port)(?:=(.*))?$/.exec(a);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (!value) throw new Error(`--${m[1]} needs a value`);
      if (m[1] === 'port' && !/^\d{1,5}$/.test(value))
        throw new Error(`--port must be a number, not ${JSON.stringify(value)}`);
      out[m[1]] = value;
    } else if (a === '--browser') out.browser = true;
    else throw new Error(`unknown option ${JSON.stringify(a)} (npm start takes --lab FILE, --port N, --browser)`);
  }
  return out;
}

/** Whether Electron can start here, and if not, why (one short reason). @returns {LaunchDecision} */
export function decideLaunch(/** @type {LaunchFacts} */ f) {
  if (f.forceBrowser) return { mode: 'browser', reason: 'browser mode was asked for (--browser)' };
  if (!f.electronBinary) {
    return {
      mode: 'browser',
      reason: `the Electron binary was not downloaded (${f.electronError ?? 'require("electron") failed'})`,
    };
  }
  if (!f.binaryExists) return { mode: 'browser', reason: `the Electron binary is missing (${f.electronBinary})` };
  if (f.platform === 'linux' && !f.display && !f.wayland)
    return { mode: 'browser', reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  return { mode: 'electron', binary: f.electronBinary };
}

/** True when an output (its mtime, or null when missing) is older than the newest source. */
export function needsBuild(outputMtime, newestSourceMtime) {
  return outputMtime === null || outputMtime < newestSourceMtime;
}

/** The newest modification time of the files under the given paths (0 when none exist). */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') visit(join(p, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** The oldest modification time among outputs, or null when one is missing. */
function oldestOutput(paths) {
  let oldest = Infinity;
  for (const p of paths) {
    if (!existsSync(p)) return null;
    oldest = Math.min(oldest, statSync(p).mtimeMs);
  }
  return oldest;
}

/** What this machine says about Electron. @returns {LaunchFacts} */
function gatherFacts(args) {
  let electronBinary = null;
  let electronError = null;
  try {
    electronBinary = /** @type {string} */ (createRequire(import.meta.url)('electron'));
  } catch (e) {
    // e.g. "Electron failed to install correctly, please delete node_modules/electron…": its first clause.
    electronError = String(e instanceof Error ? e.message : e)
      .split(/[\n,.]/)[0]
      .trim();
  }
  return {
    electronBinary,
    electronError,
    binaryExists: electronBinary !== null && existsSync(electronBinary),
    platform: process.platform,
    display: process.env.DISPLAY,
    wayland: process.env.WAYLAND_DISPLAY,
    forceBrowser: args.browser,
  };
}

function run(command, argv, what) {
  const r = spawnSync(command, argv, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(
      `npm start: ${what} failed (exit ${r.status ?? r.signal}); fix the error above and run npm start again.`,
    );
    process.exit(r.status || 1);
  }
}

/** Runs a long-lived child with this terminal, passing Ctrl-C on, and exits with its status. */
function handOver(command, argv) {
  const child = spawn(command, argv, { cwd: ROOT, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function main() {
  let args;
  try {
    args = parseStartArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`npm start: ${e.message}`);
    process.exit(2);
  }
  const decision = decideLaunch(gatherFacts(args));
  const at = (p) => join(ROOT, p);
  if (decision.mode === 'electron') {
    const outputs = [
      'out/main/index.js',
      'out/main/utility.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ].map(at);
    const sources = [
      'electron',
      'core',
      'renderer/src',
      'renderer/index.html',
      'renderer/vite.config.ts',
      'electron.vite.config.ts',
    ].map(at);
    if (needsBuild(oldestOutput(outputs), newestMtime(sources))) run('npm', ['run', 'build'], 'npm run build');
    const passed = [...(args.lab ? [`--lab=${args.lab}`] : [])];
    handOver(decision.binary, ['.', ...passed]);
    return;
  }
  console.log(`Electron cannot start here: ${decision.reason}; starting browser mode instead.`);
  const sources = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts'].map(at);
  if (needsBuild(oldestOutput([at('out/renderer/index.html')]), newestMtime(sources))) {
    run('npm', ['run', 'build:renderer'], 'npm run build:renderer');
  }
  const serve = [
    at('bin/nearlab.mjs'),
    'serve',
    ...(args.lab ? ['--lab', args.lab] : []),
    ...(args.port ? ['--port', args.port] : []),
  ];
  handOver(process.execPath, serve);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
