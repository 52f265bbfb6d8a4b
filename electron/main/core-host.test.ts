import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../core/api/contract.ts';
import { FATAL_EXIT_CODE, type ToCoreMessage } from '../../core/process/protocol.ts';
import { runCore } from '../../core/process/utility-entry.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import { CoreHost, type CoreChild, type CoreProblem } from './core-host.ts';

/** A child whose core side the test scripts by hand. */
class ScriptedChild implements CoreChild {
  readonly received: ToCoreMessage[] = [];
  private onMsg: ((m: unknown) => void)[] = [];
  private onEnd: ((code: number) => void)[] = [];
  killed = false;
  postMessage(m: ToCoreMessage) {
    this.received.push(structuredClone(m));
  }
  onMessage(l: (m: unknown) => void) {
    this.onMsg.push(l);
  }
  onExit(l: (code: number) => void) {
    this.onEnd.push(l);
  }
  kill() {
    this.killed = true;
    this.exit(-1);
  }
  say(m: unknown) {
    for (const l of this.onMsg) l(structuredClone(m));
  }
  exit(code: number) {
    for (const l of this.onEnd) l(code);
  }
}

function scripted(options: Partial<ConstructorParameters<typeof CoreHost>[0]> = {}) {
  const children: ScriptedChild[] = [];
  const problems: CoreProblem[] = [];
  const events: ApiEvent[] = [];
  const logs: string[] = [];
  let t = 0;
  const host = new CoreHost({
    spawn: () => {
      const c = new ScriptedChild();
      children.push(c);
      return c;
    },
    onEvent: (e) => events.push(e),
    onProblem: (p) => problems.push(p),
    now: () => t,
    log: (l) => logs.push(l),
    ...options,
  });
  return { host, children, problems, events, logs, advance: (ms: number) => (t += ms) };
}

/** A child running the real core (runCore) in this process, talking through structured clones like Electron does. */
function realCore(labPath: string | undefined): CoreChild {
  const toCore: ((e: { data: unknown }) => void)[] = [];
  const fromCore: ((m: unknown) => void)[] = [];
  const exits: ((code: number) => void)[] = [];
  let alive = true;
  const die = (code: number) => {
    if (!alive) return;
    alive = false;
    setTimeout(() => exits.forEach((l) => l(code)), 0);
  };
  const port = {
    on: (_e: 'message', l: (e: { data: unknown }) => void) => void toCore.push(l),
    postMessage: (m: unknown) => {
      if (!alive) return;
      const copy = structuredClone(m);
      setTimeout(() => fromCore.forEach((l) => l(copy)), 0);
    },
  };
  void runCore(port, labPath ? [`--lab=${labPath}`] : [], die).then((ok) => ok || die(FATAL_EXIT_CODE));
  return {
    postMessage: (m) => {
      const copy = structuredClone(m);
      setTimeout(() => alive && toCore.forEach((l) => l({ data: copy })), 0);
    },
    onMessage: (l) => void fromCore.push(l),
    onExit: (l) => void exits.push(l),
    kill: () => die(-1),
  };
}

describe('CoreHost with the real core', () => {
  it('queues calls until core is ready, then answers them, media and events included', async () => {
    const folder = tempDir('nearlab-host-');
    write(folder, 'x/one.png', await makeImage('png', 11));
    write(folder, 'x/two.png', await makeImage('png', 12));
    const labPath = join(tempDir(), 'host.lab');
    const events: ApiEvent[] = [];
    const ready: string[] = [];
    const host = new CoreHost({
      spawn: realCore,
      onEvent: (e) => events.push(e),
      onProblem: () => {},
      onReady: (l) => ready.push(l),
    });
    host.start(labPath);
    const info = await host.call('info', {});
    expect(ready).toEqual([labPath]);
    expect(info).toMatchObject({ ok: true, result: { lab: labPath, items: 0 } });
    expect(await host.call('listItems', { limit: 0 })).toMatchObject({ ok: false, error: { kind: 'bad-request' } });

    const started = await host.call('startImport', { folder });
    expect(started.ok).toBe(true);
    await expect
      .poll(() => events.some((e) => e.type === 'job' && e.job.status === 'done'), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(() => events.some((e) => e.type === 'lab-changed')).toBe(true);

    const list = await host.call('listItems', {});
    const items = (list as { result: { items: { id: number }[] } }).result.items;
    expect(items).toHaveLength(2);
    const thumb = await host.media('thumb', items[0].id);
    expect(thumb?.kind).toBe('thumb');
    expect(thumb && thumb.kind === 'thumb' && thumb.data.byteLength).toBeGreaterThan(0);
    const file = await host.media('file', items[1].id);
    expect(file).toMatchObject({ kind: 'file' });
    expect(file && file.kind === 'file' && file.path.startsWith(folder)).toBe(true);
    expect(await host.media('file', 987_654)).toBeNull();
    await host.stop();
    expect(await host.call('info', {})).toMatchObject({ ok: false });
  });

  it('reports a file that is not a lab as fatal, once, without restarting', async () => {
    const notALab = join(tempDir(), 'photo.jpg');
    writeFileSync(notALab, Buffer.alloc(4096, 7));
    const problems: CoreProblem[] = [];
    let spawns = 0;
    const host = new CoreHost({
      spawn: (p) => {
        spawns++;
        return realCore(p);
      },
      onEvent: () => {},
      onProblem: (p) => problems.push(p),
    });
    host.start(notALab);
    const r = await host.call('info', {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toContain('could not open the lab');
    await expect.poll(() => problems.length).toBe(1);
    expect(problems[0]).toMatchObject({ kind: 'fatal', restarting: false });
    expect(problems[0].message).toContain(notALab);
    expect(spawns).toBe(1);
  });

  it('switches to another lab and tells the window', async () => {
    const events: ApiEvent[] = [];
    const host = new CoreHost({ spawn: realCore, onEvent: (e) => events.push(e), onProblem: () => {} });
    const a = join(tempDir(), 'a.lab');
    const b = join(tempDir(), 'b.lab');
    host.start(a);
    expect(await host.call('info', {})).toMatchObject({ result: { lab: a } });
    await host.switchLab(b);
    expect(events).toContainEqual({ type: 'lab-changed' });
    expect(await host.call('info', {})).toMatchObject({ result: { lab: b } });
    expect(host.lab).toBe(b);
    await host.stop();
  });
});

describe('CoreHost crash handling', () => {
  it('fails the calls in flight, restarts core, shows the crash and refreshes the window', async () => {
    const { host, children, problems, events } = scripted();
    host.start('/labs/x.lab');
    const pending = host.call('info', {});
    expect(children[0].received).toEqual([]); // queued until ready
    children[0].say({ type: 'ready', lab: '/labs/x.lab' });
    expect(children[0].received).toEqual([{ type: 'call', id: 1, method: 'info', params: {} }]);
    children[0].exit(134);
    const r = await pending;
    expect(r).toMatchObject({ ok: false, error: { kind: 'failed' } });
    expect(!r.ok && r.error.message).toMatch(/stopped unexpectedly \(exit code 134\); it was restarted/);
    expect(problems).toEqual([expect.objectContaining({ kind: 'crash', restarting: true })]);
    expect(children).toHaveLength(2);

    const again = host.call('info', {});
    expect(events).toEqual([]);
    children[1].say({ type: 'ready', lab: '/labs/x.lab' });
    expect(events).toEqual([{ type: 'lab-changed' }]);
    const id = (children[1].received[0] as { id: number }).id;
    children[1].say({ type: 'response', id, response: { ok: true, result: { lab: '/labs/x.lab' } } });
    expect(await again).toEqual({ ok: true, result: { lab: '/labs/x.lab' } });
  });

  it('does not replay calls queued before a crash in the restarted core', async () => {
    const { host, children } = scripted();
    host.start();
    const lost = host.call('startImport', { folder: '/photos' });
    children[0].exit(1);
    expect((await lost).ok).toBe(false);
    children[1].say({ type: 'ready', lab: '/l' });
    expect(children[1].received).toEqual([]);
  });

  it('gives up after repeated crashes within the window, and recovers its budget later', () => {
    const { host, children, problems, advance } = scripted({ maxRestarts: 2, restartWindowMs: 1000 });
    host.start();
    children[0].exit(1);
    advance(10);
    children[1].exit(1);
    advance(10);
    children[2].exit(1);
    expect(children).toHaveLength(3);
    expect(problems.map((p) => p.restarting)).toEqual([true, true, false]);
    expect(problems[2].message).toContain('was not restarted');

    const { host: h2, children: c2, problems: p2, advance: adv2 } = scripted({ maxRestarts: 2, restartWindowMs: 1000 });
    h2.start();
    for (let i = 0; i < 5; i++) {
      c2[i].exit(1);
      adv2(600);
    }
    expect(p2.every((p) => p.restarting)).toBe(true);
    expect(c2).toHaveLength(6);
    void host;
  });

  it('treats the fatal exit code as fatal even when the message was lost', async () => {
    const { host, children, problems } = scripted();
    host.start('/labs/broken.lab');
    children[0].exit(FATAL_EXIT_CODE);
    expect(children).toHaveLength(1);
    expect(problems).toEqual([{ kind: 'fatal', message: 'the lab could not be opened', restarting: false }]);
    const r = await host.call('info', {});
    expect(!r.ok && r.error.message).toContain('File → Open Lab');
  });

  it('answers nothing after giving up', async () => {
    const { host, children } = scripted({ maxRestarts: 0 });
    host.start();
    children[0].exit(1);
    const r = await host.call('info', {});
    expect(!r.ok && r.error.message).toMatch(/not running/);
    expect(await host.media('thumb', 1)).toBeNull();
  });

  it('drops invalid messages from core, failing the call they claim to answer', async () => {
    const { host, children, events, logs } = scripted();
    host.start();
    children[0].say({ type: 'ready', lab: '/l' });
    const p = host.call('info', {});
    children[0].say({ type: 'response', id: 1, response: { ok: 'sure' } });
    expect(await p).toEqual({ ok: false, error: { kind: 'failed', message: 'core sent an invalid response' } });
    children[0].say({ type: 'event', event: { type: 'job', job: { id: 1 } } });
    children[0].say({ type: 'run', command: 'rm -rf /' });
    expect(events).toEqual([]);
    expect(logs.filter((l) => l.startsWith('dropped an invalid message'))).toHaveLength(3);
  });

  it('ignores answers of the wrong kind or for unknown ids', async () => {
    const { host, children } = scripted();
    host.start();
    children[0].say({ type: 'ready', lab: '/l' });
    const m = host.media('thumb', 5);
    children[0].say({ type: 'response', id: 1, response: { ok: true, result: 1 } });
    children[0].say({ type: 'media', id: 99, result: null });
    const data = new Uint8Array([1, 2, 3]);
    children[0].say({ type: 'media', id: 1, result: { kind: 'thumb', mime: 'image/webp', data } });
    expect(await m).toEqual({ kind: 'thumb', mime: 'image/webp', data });
  });

  it('kills core when it does not stop in time, without reporting a crash', async () => {
    const { host, children, problems } = scripted({ shutdownTimeoutMs: 20 });
    host.start();
    children[0].say({ type: 'ready', lab: '/l' });
    await host.stop();
    expect(children[0].received).toEqual([{ type: 'shutdown' }]);
    expect(children[0].killed).toBe(true);
    expect(problems).toEqual([]);
    expect(children).toHaveLength(1);
  });
});
