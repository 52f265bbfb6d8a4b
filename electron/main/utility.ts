import { utilityProcess } from 'electron';
import type { SpawnCore } from './core-host.ts';

/**
 * Starts core (out/main/utility.js) in an Electron utility process: a Node process without
 * Electron's APIs, so a crash or a long computation never takes the window with it.
 */
export function forkCore(entry: string, extraEnv: Record<string, string> = {}): SpawnCore {
  return (labPath) => {
    const child = utilityProcess.fork(entry, labPath ? [`--lab=${labPath}`] : [], {
      serviceName: 'Nearlab core',
      stdio: 'inherit',
      env: { ...process.env, ...extraEnv },
    });
    return {
      postMessage: (m) => child.postMessage(m),
      onMessage: (l) => void child.on('message', l),
      onExit: (l) => void child.on('exit', l),
      kill: () => void child.kill(),
    };
  };
}
