import { realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NearlabService } from '../service/service.ts';
import { importFolder } from '../data/import/import-folder.ts';
import { Lab } from '../store/lab.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import { createCoreHandler } from './handler.ts';
import { fromCoreMessage, toCoreMessage, type FromCoreMessage } from './protocol.ts';
import { labArgument } from './args.ts';
import { runCore } from './utility-entry.ts';

let lab: Lab;
let service: NearlabService;
let root: string;
const sent: FromCoreMessage[] = [];
const logs: string[] = [];
let shutdowns = 0;
let handler: ReturnType<typeof createCoreHandler>;

function itemIdOf(path: string): number {
  return (lab.db.prepare('SELECT id FROM items WHERE path = ?').get(path) as { id: number }).id;
}

async function ask(message: unknown): Promise<FromCoreMessage | undefined> {
  const before = sent.length;
  await handler.handle(message);
  return sent.slice(before).find((m) => m.type === 'response' || m.type === 'media');
}

beforeAll(async () => {
  root = tempDir('nearlab-proc-');
  write(root, 'a/red.png', await makeImage('png', 1));
  write(root, 'a/blue.jpg', await makeImage('jpeg', 2));
  write(root, 'b/green.png', await makeImage('png', 3));
  lab = Lab.open(join(tempDir(), 'proc.lab'));
  await importFolder(lab, root);
  service = new NearlabService(lab);
  handler = createCoreHandler(
    service,
    (m) => sent.push(m),
    () => shutdowns++,
    (l) => logs.push(l),
  );
});

afterAll(() => {
  handler.dispose();
  lab.close();
});

describe('core process protocol', () => {
  it('accepts the messages main sends and refuses anything else', () => {
    expect(toCoreMessage.safeParse({ type: 'call', id: 1, method: 'info', params: {} }).success).toBe(true);
    expect(toCoreMessage.safeParse({ type: 'media', id: 2, kind: 'thumb', itemId: 3 }).success).toBe(true);
    expect(toCoreMessage.safeParse({ type: 'shutdown' }).success).toBe(true);
    for (const bad of [
      null,
      'info',
      { type: 'call', id: -1, method: 'info', params: {} },
      { type: 'call', id: 1.5, method: 'info', params: {} },
      { type: 'call', id: 1, method: '', params: {} },
      { type: 'media', id: 1, kind: 'path', itemId: 3 },
      { type: 'media', id: 1, kind: 'file', itemId: '3' },
      { type: 'media', id: 1, kind: 'file', itemId: 0 },
      { type: 'media', id: 1, kind: 'file', itemId: 3, path: '/etc/passwd' },
      { type: 'exec', id: 1 },
    ]) {
      expect(toCoreMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('refuses core messages that do not match the contract', () => {
    expect(fromCoreMessage.safeParse({ type: 'response', id: 1, response: { ok: true, result: 1 } }).success).toBe(
      true,
    );
    expect(fromCoreMessage.safeParse({ type: 'response', id: 1, response: { ok: 'yes', result: 1 } }).success).toBe(
      false,
    );
    expect(fromCoreMessage.safeParse({ type: 'event', event: { type: 'lab-changed' } }).success).toBe(true);
    expect(fromCoreMessage.safeParse({ type: 'event', event: { type: 'job', job: { id: 'x' } } }).success).toBe(false);
    expect(
      fromCoreMessage.safeParse({
        type: 'media',
        id: 1,
        result: { kind: 'thumb', mime: 'text/html', data: new Uint8Array(1) },
      }).success,
    ).toBe(false);
  });

  it('reads the lab path from the arguments', () => {
    expect(labArgument(['electron', 'utility.js', '--lab', '/tmp/x.lab'])).toBe('/tmp/x.lab');
    expect(labArgument(['--lab=/tmp/y.lab'])).toBe('/tmp/y.lab');
    expect(labArgument(['--lab'])).toBeUndefined();
    expect(labArgument(['--labs', 'z'])).toBeUndefined();
  });
});

describe('core handler (as run in the utility process)', () => {
  it('answers an API call with the id it was asked with', async () => {
    const r = await ask({ type: 'call', id: 7, method: 'info', params: {} });
    expect(r).toMatchObject({ type: 'response', id: 7, response: { ok: true } });
    const info = (r as { response: { result: { lab: string; items: number } } }).response.result;
    expect(info.lab).toBe(lab.path);
    expect(info.items).toBe(3);
  });

  it('validates parameters and methods with the contract', async () => {
    const bad = await ask({ type: 'call', id: 8, method: 'listItems', params: { limit: -5 } });
    expect(bad).toMatchObject({ id: 8, response: { ok: false, error: { kind: 'bad-request' } } });
    const unknown = await ask({ type: 'call', id: 9, method: 'deleteEverything', params: {} });
    expect(unknown).toMatchObject({ id: 9, response: { ok: false, error: { kind: 'bad-request' } } });
    const missing = await ask({ type: 'call', id: 10, method: 'item', params: { id: 999_999 } });
    expect(missing).toMatchObject({ id: 10, response: { ok: false, error: { kind: 'not-found' } } });
  });

  it('drops malformed messages without answering', async () => {
    const before = sent.length;
    await handler.handle({ type: 'call', id: 'x', method: 'info' });
    await handler.handle({ type: 'media', id: 1, kind: 'file', itemId: 1, path: '/etc/passwd' });
    expect(sent.length).toBe(before);
    expect(logs.filter((l) => l.includes('malformed')).length).toBe(2);
  });

  it('serves the thumbnail bytes of an item', async () => {
    const id = itemIdOf('a/red.png');
    const r = await ask({ type: 'media', id: 11, kind: 'thumb', itemId: id });
    expect(r?.type).toBe('media');
    const result = (r as { result: { kind: string; mime: string; data: Uint8Array } }).result;
    expect(result.kind).toBe('thumb');
    expect(result.mime).toMatch(/^image\//);
    expect(Buffer.from(result.data).equals(service.thumbnail(id)!.data)).toBe(true);
  });

  it('gives the original file only as a path inside its import root', async () => {
    const r = await ask({ type: 'media', id: 12, kind: 'file', itemId: itemIdOf('b/green.png') });
    expect(r).toEqual({
      type: 'media',
      id: 12,
      result: { kind: 'file', path: join(realpathSync(root), 'b/green.png') },
    });
    expect(await ask({ type: 'media', id: 13, kind: 'file', itemId: 999_999 })).toEqual({
      type: 'media',
      id: 13,
      result: null,
    });
  });

  it('refuses an original file that a symbolic link now points outside the root', async () => {
    const id = itemIdOf('a/blue.jpg');
    const outside = join(tempDir('nearlab-outside-'), 'secret.jpg');
    writeFileSync(outside, 'not for the renderer');
    rmSync(join(root, 'a/blue.jpg'));
    symlinkSync(outside, join(root, 'a/blue.jpg'));
    expect(await ask({ type: 'media', id: 14, kind: 'file', itemId: id })).toEqual({
      type: 'media',
      id: 14,
      result: null,
    });
  });

  it('forwards job events, each valid for main', async () => {
    const before = sent.length;
    const r = await ask({ type: 'call', id: 15, method: 'startImport', params: { folder: root } });
    expect(r).toMatchObject({ response: { ok: true } });
    await service.jobManager.idle();
    const events = sent.slice(before).filter((m) => m.type === 'event');
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) expect(fromCoreMessage.safeParse(e).success).toBe(true);
    const statuses = events.map((e) => (e.type === 'event' && e.event.type === 'job' ? e.event.job.status : e.type));
    expect(statuses[0]).toBe('running');
    expect(statuses).toContain('done');
  });

  it('runs the shutdown hook when main asks', async () => {
    const n = shutdowns;
    await handler.handle({ type: 'shutdown' });
    expect(shutdowns).toBe(n + 1);
  });
});

describe('runCore', () => {
  function fakePort() {
    const posted: unknown[] = [];
    const listeners: ((e: { data: unknown }) => void)[] = [];
    return {
      posted,
      deliver: (data: unknown) => listeners.forEach((l) => l({ data })),
      on: (_event: 'message', l: (e: { data: unknown }) => void) => void listeners.push(l),
      postMessage: (m: unknown) => void posted.push(m),
    };
  }

  it('reports a lab it cannot open as fatal, with the reason', async () => {
    const notALab = join(tempDir(), 'notes.txt');
    writeFileSync(notALab, 'just some text, not a database\n'.repeat(10));
    const port = fakePort();
    expect(await runCore(port, ['--lab', notALab], () => {})).toBe(false);
    expect(port.posted).toHaveLength(1);
    expect(port.posted[0]).toMatchObject({ type: 'fatal' });
    expect((port.posted[0] as { message: string }).message).toContain(notALab);
  });

  it('opens the lab, says ready, answers calls and exits cleanly on shutdown', async () => {
    const path = join(tempDir(), 'fresh.lab');
    const port = fakePort();
    let exitCode: number | null = null;
    expect(await runCore(port, ['--lab', path], (c) => (exitCode = c))).toBe(true);
    expect(port.posted[0]).toEqual({ type: 'ready', lab: path });
    port.deliver({ type: 'call', id: 1, method: 'info', params: {} });
    await expect.poll(() => port.posted.length).toBe(2);
    expect(port.posted[1]).toMatchObject({
      type: 'response',
      id: 1,
      response: { ok: true, result: { lab: path, items: 0 } },
    });
    port.deliver({ type: 'shutdown' });
    await expect.poll(() => exitCode).toBe(0);
  });
});
