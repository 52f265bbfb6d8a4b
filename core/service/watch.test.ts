import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Results } from '../api/contract.ts';
import { dispatch } from '../api/rpc.ts';
import { importFolder } from '../data/import/import-folder.ts';
import { Lab } from '../store/lab.ts';
import { watchedRoots } from '../store/watch.ts';
import { makeImage, tempDir, write } from '../../test/helpers/corpus.ts';
import { NearlabService } from './service.ts';
import { changeFilter, watchTiming } from './watch.ts';

const WAIT = { timeout: 20_000, interval: 25 };
let images: Buffer[];
const services: NearlabService[] = [];

beforeAll(async () => {
  images = await Promise.all([1, 2, 3, 4, 5, 6].map((k) => makeImage('png', k)));
});

beforeEach(() => {
  vi.stubEnv('NEARLAB_WATCH_DEBOUNCE_MS', '50');
});

afterEach(async () => {
  for (const s of services.splice(0)) {
    await s.watches.close();
    await s.jobManager.idle();
    s.lab.close();
  }
  vi.unstubAllEnvs();
});

afterAll(() => vi.unstubAllEnvs());

/** A lab that imported a folder of two images; its service (closed after the test). */
async function watchedLab(lab = join(tempDir('nearlab-watch-lab-'), 'w.lab'), folder = tempDir('nearlab-watch-')) {
  write(folder, 'a.png', images[0]);
  write(folder, 'sub/b.png', images[1]);
  const opened = Lab.open(lab);
  await importFolder(opened, folder, { split: 'test' });
  const service = new NearlabService(opened);
  services.push(service);
  const call = async <M extends 'watchFolder' | 'watchedFolders'>(method: M, p: unknown): Promise<Results[M]> => {
    const r = await dispatch(service.api, method, p);
    if (!r.ok) throw new Error(r.error.message);
    return r.result as Results[M];
  };
  return { service, folder, lab, call };
}

function items(service: NearlabService): Record<string, string> {
  const rows = service.lab.db.prepare('SELECT path, status FROM items ORDER BY path').all() as {
    path: string;
    status: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.path, r.status]));
}

const watchedImports = (s: NearlabService) => s.jobManager.list().filter((j) => j.title.endsWith('(watched)'));

describe('changeFilter', () => {
  const relevant = changeFilter('/photos', ['/elsewhere/caps.csv'], '/photos/my.lab');

  it('counts what an import reads: images, sidecars, the default and the named tables', () => {
    for (const p of ['/photos/a.png', '/photos/x/y/B.JPG', '/photos/x/a.txt', '/photos/captions.tsv']) {
      expect(relevant(p), p).toBe(true);
    }
    expect(relevant('/photos/labels.jsonl')).toBe(true);
    expect(relevant('/elsewhere/caps.csv')).toBe(true);
  });

  it('ignores temporary and hidden files, other files, the lab and its journal, and what is outside', () => {
    for (const p of [
      '/photos/a.png.part',
      '/photos/a.png~',
      '/photos/.a.png.swp',
      '/photos/.cache/a.png',
      '/photos/sub/captions.csv',
      '/photos/notes.md',
      '/photos/my.lab',
      '/photos/my.lab-wal',
      '/photos/my.lab-shm',
      '/other/a.png',
    ]) {
      expect(relevant(p), p).toBe(false);
    }
  });
});

describe('watchTiming', () => {
  it('waits 1.5 s of quiet by default, NEARLAB_WATCH_DEBOUNCE_MS otherwise, and 10 s at most', () => {
    expect(watchTiming({})).toEqual({ debounceMs: 1500, maxWaitMs: 10_000 });
    expect(watchTiming({ NEARLAB_WATCH_DEBOUNCE_MS: '50' })).toEqual({ debounceMs: 50, maxWaitMs: 10_000 });
    expect(watchTiming({ NEARLAB_WATCH_DEBOUNCE_MS: 'soon' }).debounceMs).toBe(1500);
  });
});

describe('watchFolder', () => {
  it('refuses a folder never imported, and a folder that is gone, saying why', async () => {
    const { call, folder } = await watchedLab();
    const other = tempDir('nearlab-never-');
    await expect(call('watchFolder', { folder: other, watch: true })).rejects.toThrow(
      `${other} was never imported into this lab: import it first, then watch it`,
    );
    await expect(call('watchFolder', { folder: join(other, 'nope'), watch: true })).rejects.toThrow(
      `${join(other, 'nope')} does not exist`,
    );
    rmSync(folder, { recursive: true });
    await expect(call('watchFolder', { folder, watch: true })).rejects.toThrow(
      `${folder} is gone (moved or deleted): it cannot be watched; import the folder from where it is now`,
    );
    expect((await call('watchedFolders', {})).folders).toEqual([]);
  });

  it('imports what changed since the last import when switched on, then each change, with the last options', async () => {
    const { service, folder, call } = await watchedLab();
    write(folder, 'while-off.png', images[2]);
    const on = await call('watchFolder', { folder, watch: true });
    expect(on.folders).toEqual([expect.objectContaining({ folder, imports: 0, error: null })]);
    await vi.waitFor(() => expect(items(service)['while-off.png']).toBe('ok'), WAIT);

    write(folder, 'sub/deeper/c.png', images[3]);
    await vi.waitFor(() => expect(items(service)['sub/deeper/c.png']).toBe('ok'), WAIT);
    await service.watches.idle();
    const splits = service.lab.db.prepare('SELECT DISTINCT split FROM items').pluck().all();
    expect(splits).toEqual(['test']); // the folder's import options (--split test) are kept

    const { folders } = await call('watchedFolders', {});
    expect(folders).toEqual([expect.objectContaining({ folder, imports: 2, changed: 2, problems: 0, error: null })]);
    expect(folders[0].lastImportAt).not.toBeNull();
  });

  it('coalesces the changes seen while its import waits or runs into one more import', async () => {
    const { service, folder, call } = await watchedLab();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    service.jobManager.start('train', 'Blocker', async () => {
      await gate;
      return {};
    });
    await call('watchFolder', { folder, watch: true });
    // The catch-up import is queued behind the blocker; every change after that waits for it.
    await vi.waitFor(() => expect(service.watches.activity(folder)).toMatchObject({ importing: true }), WAIT);
    const seen = service.watches.activity(folder)!.changes;
    write(folder, 'one.png', images[2]);
    write(folder, 'two.png', images[3]);
    rmSync(join(folder, 'a.png'));
    // All three changes seen and due while the import waits: they set up one more run, not one each.
    await vi.waitFor(() => expect(service.watches.activity(folder)!.changes).toBeGreaterThanOrEqual(seen + 3), WAIT);
    await vi.waitFor(
      () => expect(service.watches.activity(folder)).toMatchObject({ waiting: false, again: true }),
      WAIT,
    );
    release();
    await vi.waitFor(
      () => expect(items(service)).toMatchObject({ 'one.png': 'ok', 'two.png': 'ok', 'a.png': 'missing' }),
      WAIT,
    );
    await service.watches.idle();
    expect(watchedImports(service)).toHaveLength(2);
    expect((await call('watchedFolders', {})).folders[0]).toMatchObject({ imports: 2, changed: 3 });
  });

  it('keeps the switch in the lab: a new service watches the folder again; off forgets it', async () => {
    const first = await watchedLab();
    await first.call('watchFolder', { folder: first.folder, watch: true });
    expect(watchedRoots(first.service.lab.db)).toEqual([first.folder]);
    await first.service.watches.close();

    const again = new NearlabService(Lab.open(first.lab));
    services.push(again);
    await again.watches.resume();
    expect(again.watches.list()).toEqual([expect.objectContaining({ folder: first.folder, error: null })]);
    write(first.folder, 'after-restart.png', images[4]);
    await vi.waitFor(() => expect(items(again)['after-restart.png']).toBe('ok'), WAIT);

    const off = await dispatch(again.api, 'watchFolder', { folder: first.folder, watch: false });
    expect(off).toEqual({ ok: true, result: { folders: [] } });
    expect(watchedRoots(again.lab.db)).toEqual([]);
  });

  it('lists a switched-on folder that is gone at start with its error, and watches it once it is back', async () => {
    const { service, folder, lab, call } = await watchedLab();
    await call('watchFolder', { folder, watch: true });
    await service.watches.close();
    const moved = `${folder}-moved`;
    renameSync(folder, moved);
    const again = new NearlabService(Lab.open(lab));
    services.push(again);
    await again.watches.resume();
    expect(again.watches.list()).toEqual([
      expect.objectContaining({ folder, error: expect.stringMatching(/is gone/) }),
    ]);
    renameSync(moved, folder);
    const r = await dispatch(again.api, 'watchFolder', { folder, watch: true });
    expect(r).toEqual({ ok: true, result: { folders: [expect.objectContaining({ folder, error: null })] } });
  });

  it('stops watching a folder removed from the lab', async () => {
    const { service, folder, call } = await watchedLab();
    await call('watchFolder', { folder, watch: true });
    await service.watches.idle();
    await dispatch(service.api, 'removeFolder', { root: folder });
    expect(watchedRoots(service.lab.db)).toEqual([]);
    mkdirSync(join(folder, 'new'));
    write(folder, 'new/c.png', images[5]);
    await vi.waitFor(() => expect(service.watches.list()).toEqual([]), WAIT);
    expect(items(service)).toEqual({});
  });
});
