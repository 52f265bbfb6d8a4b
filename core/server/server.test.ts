import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvent } from '../api/contract.ts';
import { NearlabService } from '../service/service.ts';
import { importFolder } from '../data/import/import-folder.ts';
import { Lab } from '../store/lab.ts';
import { SAMPLE_DIR, tempDir } from '../../test/helpers/corpus.ts';
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
    req.end(init.body);
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
});
