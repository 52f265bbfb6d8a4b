/**
 * The built core (out/main/utility.js, from `npm run build`) run the way Electron runs it, but
 * under Node: a child process whose `process.parentPort` is a shim over Node's IPC channel
 * (structured clone, like Electron's). Skipped when the app has not been built.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';

const OUT = fileURLToPath(new URL('../../out/main/', import.meta.url));
const UTILITY = join(OUT, 'utility.js');
const built = existsSync(UTILITY);

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? builtFiles(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : [],
  );
}

describe.skipIf(!built)('the built core (out/main/utility.js; run `npm run build` first)', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill();
  });

  it('bundles the sandboxed preload into one CommonJS file that requires only electron', () => {
    const preload = readFileSync(fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url)), 'utf8');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/\bimport\(/);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('points every worker URL at a worker file that exists', () => {
    let urls = 0;
    for (const file of builtFiles(OUT)) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/\.worker\.ts['"]/);
      for (const m of code.matchAll(/new URL\("(\.{1,2}\/workers\/[^"]+)", import\.meta\.url\)/g)) {
        urls++;
        expect(existsSync(resolve(dirname(file), m[1])), `${file} → ${m[1]}`).toBe(true);
      }
    }
    expect(urls).toBeGreaterThan(0);
  });

  it('opens a lab, answers calls, imports with events and serves media', async () => {
    const folder = tempDir('nearlab-bundle-');
    write(folder, 'p/one.png', await makeImage('png', 21));
    write(folder, 'p/two.png', await makeImage('png', 22));
    const lab = join(tempDir(), 'bundle.lab');
    const shim = join(tempDir(), 'shim.mjs');
    writeFileSync(
      shim,
      `process.parentPort = { on: (_e, l) => process.on('message', (data) => l({ data })), postMessage: (m) => process.send(m) };
       await import(${JSON.stringify(pathToFileURL(UTILITY).href)});`,
    );
    const c = fork(shim, [`--lab=${lab}`], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = c;
    const inbox: Record<string, unknown>[] = [];
    c.on('message', (m) => inbox.push(m as Record<string, unknown>));
    const next = async (pred: (m: Record<string, unknown>) => boolean) => {
      await expect.poll(() => inbox.some(pred), { timeout: 20_000 }).toBe(true);
      return inbox.find(pred)!;
    };

    expect(await next((m) => m.type === 'ready')).toEqual({ type: 'ready', lab });
    c.send({ type: 'call', id: 1, method: 'info', params: {} });
    expect(await next((m) => m.id === 1)).toMatchObject({
      type: 'response',
      response: { ok: true, result: { lab, items: 0 } },
    });

    // The sample's path is computed from import.meta.url: it must still point at resources/sample.
    c.send({ type: 'call', id: 5, method: 'sampleFolder', params: {} });
    expect(await next((m) => m.id === 5)).toMatchObject({
      response: {
        ok: true,
        result: { path: fileURLToPath(new URL('../../resources/sample', import.meta.url)), exists: true },
      },
    });

    c.send({ type: 'call', id: 2, method: 'startImport', params: { folder } });
    expect(await next((m) => m.id === 2)).toMatchObject({ response: { ok: true } });
    await next((m) => m.type === 'event' && (m.event as { job?: { status: string } }).job?.status === 'done');

    c.send({ type: 'call', id: 3, method: 'listItems', params: {} });
    const list = (await next((m) => m.id === 3)) as { response: { result: { items: { id: number }[] } } };
    const [first] = list.response.result.items;
    c.send({ type: 'media', id: 4, kind: 'thumb', itemId: first.id });
    const thumb = (await next((m) => m.id === 4)) as { result: { kind: string; data: Uint8Array } };
    expect(thumb.result.kind).toBe('thumb');
    expect(thumb.result.data).toBeInstanceOf(Uint8Array);
    expect(thumb.result.data.byteLength).toBeGreaterThan(0);

    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    c.send({ type: 'shutdown' });
    expect(await exited).toBe(0);
    child = null;
  });
});
