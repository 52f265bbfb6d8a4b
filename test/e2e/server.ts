import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MethodName, Params, Results } from '../../core/api/contract.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface LabServer {
  /** The URL `nearlab serve` printed, with its token. */
  url: string;
  port: number;
  token: string;
  lab: string;
  /** Calls the API directly, for setting up and checking what the UI shows. */
  api<M extends MethodName>(method: M, params: Params<M>): Promise<Results[M]>;
  stop(): Promise<void>;
}

/** Starts `node bin/nearlab.mjs serve --lab <lab> --json --port 0` and reads its URL. */
export async function startLabServer(lab: string): Promise<LabServer> {
  const child = spawn(process.execPath, ['bin/nearlab.mjs', 'serve', '--lab', lab, '--json', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = await readJson(child);
  const token = new URL(info.url).searchParams.get('token') ?? '';
  const origin = new URL(info.url).origin;
  return {
    url: info.url,
    port: info.port,
    token,
    lab,
    async api(method, params) {
      const res = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-nearlab-token': token },
        body: JSON.stringify(params),
      });
      const body = (await res.json()) as { ok: true; result: never } | { ok: false; error: { message: string } };
      if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
      return body.result;
    },
    stop: () => stop(child),
  };
}

function readJson(child: ChildProcess): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`nearlab serve printed no URL in 60 s\n${out}\n${err}`)), 60_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const parsed = JSON.parse(out) as { url: string; port: number };
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // Not all of the JSON yet.
      }
    });
    child.once('exit', (code) => fail(new Error(`nearlab serve exited (${code}) before printing its URL\n${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Waits for every job to finish; fails with the job's error if one failed. */
export async function waitForJobs(server: LabServer, timeoutMs: number): Promise<Results['jobs']['jobs']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { jobs } = await server.api('jobs', {});
    if (jobs.every((j) => j.status !== 'running')) {
      const failed = jobs.find((j) => j.status === 'failed');
      if (failed) throw new Error(`${failed.title} failed: ${failed.error}`);
      return jobs;
    }
    if (Date.now() > deadline) throw new Error(`jobs still running after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
