import { request } from 'node:http';
import { connect } from 'node:net';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvent } from '../api/contract.ts';
import { NearlabService } from '../service/service.ts';
import { importFolder } from '../data/import/import-folder.ts';
import { Lab } from '../store/lab.ts';
import { makeImage, SAMPLE_DIR, tempDir } from '../../test/helpers/corpus.ts';
import { CAN_MAKE_FIFO, IS_ROOT, makeFifo } from '../util/testing/fifo.ts';
import { startServer, type RunningServer } from './server.ts';

let lab: Lab;
let service: NearlabService;
let server: RunningServer;

function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: init.method ?? 'GET',
        headers: { host: `127.0.0.1:${server.port}`, ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    // A request the server never answers fails the test instead of hanging it.
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${path} within 10 s`)));
    req.end(init.body);
  });
}

/** Sends `text` as it is on a bare socket and returns everything the server wrote before closing. */
function rawSocket(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
}

/**
 * POSTs `declared` bytes' worth of body to /api/info, one 1 MB chunk at a time (with a Content-Length header when
 * `sayLength`), stopping as soon as the server answers; resolves with the answer's status and text.
 */
function hugeBody(declared: number, sayLength: boolean): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/info',
        method: 'POST',
        headers: {
          host: `127.0.0.1:${server.port}`,
          'x-nearlab-token': server.token,
          'content-type': 'application/json',
          ...(sayLength ? { 'content-length': String(declared) } : {}),
        },
      },
      (res) => {
        answered = true;
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body, sent });
        });
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const pump = () => {
      while (!answered && sent < declared) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(`/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-nearlab-token': server.token, ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  lab = Lab.open(join(tempDir(), 'srv.lab'));
  await importFolder(lab, SAMPLE_DIR);
  service = new NearlabService(lab);
  const staticDir = tempDir('nearlab-static-');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nearlab</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startServer({ service, staticDir });
});

afterAll(async () => {
  await server.close();
  lab.close();
});

describe('browser-mode server', () => {
  it('prints a URL on 127.0.0.1 with its token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the page for the token and sets a strict HttpOnly cookie and a CSP', async () => {
    const r = await raw(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('<title>Nearlab</title>');
    expect(r.headers['set-cookie']?.[0]).toMatch(/^nearlab_token=.+; HttpOnly; SameSite=Strict; Path=\//);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    const asset = await raw('/assets/app.js', { headers: { cookie: `nearlab_token=${server.token}` } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses requests without the token, with a wrong token, a foreign Host or a foreign Origin', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    expect((await api('info', {}, { 'x-nearlab-token': 'nope' })).status).toBe(401);
    expect((await raw(`/?token=${server.token}`, { headers: { host: 'evil.example:80' } })).status).toBe(403);
    expect((await raw(`/?token=${server.token}`, { headers: { host: `attacker.test:${server.port}` } })).status).toBe(
      403,
    );
    expect((await api('info', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('info', {}, { origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('answers API calls, validates parameters and reports unknown methods', async () => {
    const info = JSON.parse((await api('info', {})).body.toString());
    expect(info).toMatchObject({ ok: true, result: { items: 319, captions: 319 } });
    const items = JSON.parse((await api('listItems', { label: 'Flags', limit: 5 })).body.toString());
    expect(items.result.total).toBe(45);
    expect(items.result.items).toHaveLength(5);
    expect(items.result.items[0]).toMatchObject({ label: 'Flags', captions: [expect.any(String)] });
    const bad = JSON.parse((await api('listItems', { limit: -1 })).body.toString());
    expect(bad).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
    const extra = JSON.parse((await api('info', { evil: true })).body.toString());
    expect(extra.ok).toBe(false);
    const unknown = JSON.parse((await api('dropTables', {})).body.toString());
    expect(unknown.error.message).toMatch(/unknown method/);
    expect((await raw('/api/info', { headers: { 'x-nearlab-token': server.token } })).status).toBe(405);
  });

  it('serves thumbnails and original files, but never a path outside the import root', async () => {
    const auth = { 'x-nearlab-token': server.token };
    const thumb = await raw('/media/thumb/1', { headers: auth });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const file = await raw('/media/file/1', { headers: auth });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    const root = lab.db.prepare('SELECT root_id, image_id FROM items WHERE id = 1').get() as {
      root_id: number;
      image_id: number;
    };
    const evil = lab.db
      .prepare(
        `INSERT INTO items (root_id, path, image_id, split, status, created_at) VALUES (?, '../../../../etc/passwd', ?, 'train', 'ok', '')`,
      )
      .run(root.root_id, root.image_id);
    expect((await raw(`/media/file/${evil.lastInsertRowid}`, { headers: auth })).status).toBe(404);
    lab.db.prepare('DELETE FROM items WHERE id = ?').run(evil.lastInsertRowid);
    expect((await raw('/media/file/999999', { headers: auth })).status).toBe(404);
    expect((await raw('/..%2f..%2f..%2fetc%2fpasswd', { headers: auth })).status).toBe(404);
  });

  it('refuses a JSON body nested too deeply at once, before parsing it, with 400 and a reason', async () => {
    const depth = 10_000_000;
    const t0 = performance.now();
    const deep = await raw('/api/info', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-nearlab-token': server.token },
      body: '['.repeat(depth) + ']'.repeat(depth),
    });
    const ms = performance.now() - t0;
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body.toString())).toMatchObject({
      ok: false,
      error: { kind: 'bad-request', message: expect.stringMatching(/nested deeper than 64 levels/) },
    });
    // Parsing it took 8.5 s; scanning the brackets takes a few tens of milliseconds.
    expect(ms).toBeLessThan(3000);
    const justOver = '{"a":'.repeat(65) + '1' + '}'.repeat(65);
    expect(
      (await raw('/api/info', { method: 'POST', headers: { 'x-nearlab-token': server.token }, body: justOver })).status,
    ).toBe(400);
  });

  it('counts only brackets outside strings when it measures nesting', async () => {
    const brackets = '[{'.repeat(400);
    const r = await api('listItems', { label: `\\"${brackets}`, limit: 1 });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toMatchObject({ ok: true, result: { total: 0 } });
  });

  it('refuses a body over the size limit with 413, whether or not it says its length, and stays up', async () => {
    const declared = await hugeBody(40 * 1024 * 1024, true);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatch(/larger than 32 MB/);
    expect(declared.sent).toBeLessThan(40 * 1024 * 1024);
    const chunked = await hugeBody(40 * 1024 * 1024, false);
    expect(chunked.status).toBe(413);
    expect(chunked.body).toMatch(/larger than 32 MB/);
    expect((await api('info', {})).status).toBe(200);
  });

  it('answers a malformed % escape or URL with 400, not 500, on pages and on the WebSocket path', async () => {
    const auth = { 'x-nearlab-token': server.token };
    const escape = await raw('/assets/%E0%A4%A.js', { headers: auth });
    expect(escape.status).toBe(400);
    expect(escape.body.toString()).toMatch(/malformed % escape/);
    expect((await raw('/%zz', { headers: auth })).status).toBe(400);
    expect((await raw('//', { headers: auth })).status).toBe(400);
    const upgrade = await rawSocket(
      `GET // HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 400/);
    expect((await api('info', {})).status).toBe(200);
  });

  it('pushes job progress over the WebSocket, only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
    const refusal = await new Promise<string>((r) => refused.on('error', (e) => r(e.message)));
    expect(refusal).toMatch(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    await new Promise((r) => ws.on('open', r));
    const events: ApiEvent[] = [];
    ws.on('message', (m) => events.push(JSON.parse(m.toString()) as ApiEvent));
    const started = JSON.parse((await api('startImport', { folder: SAMPLE_DIR })).body.toString());
    expect(started.ok).toBe(true);
    await service.jobManager.idle();
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    const jobEvents = events.filter((e) => e.type === 'job');
    expect(jobEvents.at(-1)).toMatchObject({
      job: { id: started.result.jobId, kind: 'import', status: 'done', result: { unchanged: 319 } },
    });
    expect(events.some((e) => e.type === 'lab-changed')).toBe(true);
  });

  it('drops a WebSocket client that sends a malformed frame, and stays up', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(
          `GET /events?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\n` +
            `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        // Once upgraded, a masked frame with a reserved opcode (0x3): the server's WebSocket reports an error.
        if (text.includes('\r\n\r\n') && !socket.destroyed) socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 101/);
    expect((await api('info', {})).status).toBe(200);
  });
});

describe('browser-mode server, when imported files change under it', () => {
  let folder: string;
  const ids = new Map<string, number>();
  const auth = () => ({ 'x-nearlab-token': server.token });
  const file = (name: string) => raw(`/media/file/${ids.get(name)}`, { headers: auth() });

  /** The server is still up and still serves an intact original, byte for byte. */
  async function stillServes(): Promise<void> {
    const ok = await file('intact.png');
    expect(ok.status).toBe(200);
    expect(ok.body.equals(readFileSync(join(folder, 'intact.png')))).toBe(true);
    expect(ok.headers['content-length']).toBe(String(ok.body.length));
  }

  beforeAll(async () => {
    folder = tempDir('nearlab-changing-');
    const names = ['intact.png', 'folder.png', 'gone.png', 'pipe.png', 'locked.png', 'escape.png'];
    for (const [i, name] of names.entries()) writeFileSync(join(folder, name), await makeImage('png', 100 + i));
    await importFolder(lab, folder);
    const rootId = lab.db.prepare('SELECT id FROM roots WHERE path = ?').pluck().get(folder) as number;
    for (const name of names) {
      ids.set(
        name,
        lab.db.prepare('SELECT id FROM items WHERE root_id = ? AND path = ?').pluck().get(rootId, name) as number,
      );
    }
  });

  it('answers 404 with a reason when an imported file has become a folder, and stays up', async () => {
    rmSync(join(folder, 'folder.png'));
    mkdirSync(join(folder, 'folder.png'));
    const r = await file('folder.png');
    expect(r.status).toBe(404);
    expect(r.body.toString()).toMatch(/folder\.png is not a regular file \(it is a folder\)/);
    await stillServes();
  });

  it('answers 410 when an imported file is gone', async () => {
    rmSync(join(folder, 'gone.png'));
    const r = await file('gone.png');
    expect(r.status).toBe(410);
    expect(r.body.toString()).toMatch(/gone\.png is gone/);
    await stillServes();
  });

  it.skipIf(!CAN_MAKE_FIFO)('answers 404 at once when an imported file has become a named pipe', async () => {
    rmSync(join(folder, 'pipe.png'));
    makeFifo(join(folder, 'pipe.png'));
    const t0 = performance.now();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => file('pipe.png')));
    for (const r of answers) {
      expect(r.status).toBe(404);
      expect(r.body.toString()).toMatch(/pipe\.png is not a regular file \(it is a named pipe\)/);
    }
    expect(performance.now() - t0).toBeLessThan(3000);
    await stillServes();
  });

  it.skipIf(IS_ROOT)('answers 404 with a reason when an imported file is unreadable, and stays up', async () => {
    chmodSync(join(folder, 'locked.png'), 0o000);
    const r = await file('locked.png');
    expect(r.status).toBe(404);
    expect(r.body.toString()).toMatch(/cannot read locked\.png/);
    await stillServes();
  });

  it('still refuses (404, not 410) a file that is now a link out of its folder, gone or not', async () => {
    rmSync(join(folder, 'escape.png'));
    symlinkSync(join(SAMPLE_DIR, 'images/1f600.png'), join(folder, 'escape.png'));
    const out = await file('escape.png');
    expect(out.status).toBe(404);
    expect(out.body.length).toBeLessThan(200);
    rmSync(join(folder, 'escape.png'));
    symlinkSync('/nonexistent-nearlab-target.png', join(folder, 'escape.png'));
    expect((await file('escape.png')).status).toBe(404);
    await stillServes();
  });

  it.skipIf(IS_ROOT)('answers 404 for a page asset it cannot read, and stays up', async () => {
    const staticDir = tempDir('nearlab-static-locked-');
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Nearlab</title>');
    writeFileSync(join(staticDir, 'locked.js'), 'x');
    chmodSync(join(staticDir, 'locked.js'), 0o000);
    const second = await startServer({ service, staticDir });
    try {
      const r = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: second.port,
            path: '/locked.js',
            headers: { host: `127.0.0.1:${second.port}`, 'x-nearlab-token': second.token },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
        req.end();
      });
      expect(r).toBe(404);
    } finally {
      await second.close();
    }
  });
});
