import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Results } from '../../core/api/contract.ts';
import { dispatch } from '../../core/api/rpc.ts';
import { importFolder } from '../../core/data/import/import-folder.ts';
import { Lab } from '../../core/store/lab.ts';
import { NearlabService } from '../../core/service/service.ts';
import { CLI } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir, write } from '../helpers/corpus.ts';

/** Waits for the lab to show what a change must lead to: no fixed sleeps, a timeout. */
const UNTIL = { timeout: 30_000, interval: 50 };
const SAMPLE = ['1f17f-fe0f.png', '1f18e.png', '1f194.png', '002a-fe0f-20e3.png', '0035-fe0f-20e3.png'];
const sample = (name: string) => join(SAMPLE_DIR, 'images', name);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface ItemState {
  status: string;
  hash: string | null;
  error: string | null;
}

function itemsOf(lab: Lab): Record<string, ItemState> {
  const rows = lab.db
    .prepare(
      `SELECT i.path, i.status, i.error, im.hash FROM items i LEFT JOIN images im ON im.id = i.image_id ORDER BY i.path`,
    )
    .all() as (ItemState & { path: string })[];
  return Object.fromEntries(rows.map(({ path, ...s }) => [path, s]));
}

describe('watching a folder (service)', () => {
  let folder: string;
  let service: NearlabService;

  beforeAll(async () => {
    vi.stubEnv('NEARLAB_WATCH_DEBOUNCE_MS', '100');
    folder = tempDir('nearlab-watched-');
    for (const [i, name] of ['a.png', 'b.png', 'c.png'].entries()) copyFileSync(sample(SAMPLE[i]), join(folder, name));
    const lab = Lab.open(join(tempDir('nearlab-watch-lab-'), 'w.lab'));
    await importFolder(lab, folder);
    service = new NearlabService(lab);
    const on = await dispatch(service.api, 'watchFolder', { folder, watch: true });
    expect(on.ok).toBe(true);
  });

  afterAll(async () => {
    await service.watches.close();
    await service.jobManager.idle();
    service.lab.close();
    vi.unstubAllEnvs();
  });

  it('imports a file added during the watch, and its sidecar caption', async () => {
    copyFileSync(sample(SAMPLE[3]), join(folder, 'd.png'));
    await vi.waitFor(() => expect(itemsOf(service.lab)['d.png']).toMatchObject({ status: 'ok' }), UNTIL);
    write(folder, 'd.txt', 'a keycap with an asterisk\n');
    await vi.waitFor(() => {
      const captions = service.lab.db
        .prepare(
          `SELECT c.text FROM captions c JOIN items i ON i.id = c.item_id WHERE i.path = 'd.png' AND c.source = 'sidecar'`,
        )
        .pluck()
        .all();
      expect(captions).toEqual(['a keycap with an asterisk']);
    }, UNTIL);
  });

  it('imports the new content of a changed file', async () => {
    const before = itemsOf(service.lab)['a.png'].hash;
    copyFileSync(sample(SAMPLE[4]), join(folder, 'a.png'));
    const after = sha256(join(folder, 'a.png'));
    expect(after).not.toBe(before);
    await vi.waitFor(
      () => expect(itemsOf(service.lab)['a.png']).toEqual({ status: 'ok', hash: after, error: null }),
      UNTIL,
    );
  });

  it('marks a renamed file missing under its old name and live under the new one, with the same content', async () => {
    const hash = itemsOf(service.lab)['b.png'].hash;
    renameSync(join(folder, 'b.png'), join(folder, 'renamed.png'));
    await vi.waitFor(() => {
      const items = itemsOf(service.lab);
      expect(items['b.png'].status).toBe('missing');
      expect(items['renamed.png']).toEqual({ status: 'ok', hash, error: null });
    }, UNTIL);
  });

  it('marks a deleted file missing', async () => {
    rmSync(join(folder, 'c.png'));
    await vi.waitFor(() => expect(itemsOf(service.lab)['c.png'].status).toBe('missing'), UNTIL);
  });

  it('reports a corrupt image added during the watch as that file’s error, like any import', async () => {
    write(folder, 'broken.png', readFileSync(sample(SAMPLE[0])).subarray(0, 120));
    await vi.waitFor(() => expect(itemsOf(service.lab)['broken.png']?.status).toBe('error'), UNTIL);
    await service.watches.idle();
    const problems = (await dispatch(service.api, 'importProblems', {})) as {
      ok: true;
      result: Results['importProblems'];
    };
    expect(problems.result.problems).toEqual([
      expect.objectContaining({ root: folder, path: 'broken.png', severity: 'error' }),
    ]);
    const watched = (await dispatch(service.api, 'watchedFolders', {})) as {
      ok: true;
      result: Results['watchedFolders'];
    };
    expect(watched.result.folders).toEqual([
      expect.objectContaining({ folder, problems: 1, error: null, lastImportAt: expect.any(String) }),
    ]);
    expect(watched.result.folders[0].imports).toBeGreaterThanOrEqual(6);
    // Every change (added, captioned, changed, renamed twice over, deleted; the corrupt file is no item) counted.
    expect(watched.result.folders[0].changed).toBeGreaterThanOrEqual(5);
  });
});

describe('nearlab import --watch', () => {
  it('imports, then imports each change until Ctrl-C, and prints one JSON summary when it stops', async () => {
    const folder = tempDir('nearlab-cli-watched-');
    copyFileSync(sample(SAMPLE[0]), join(folder, 'a.png'));
    const lab = join(tempDir('nearlab-cli-watch-lab-'), 'w.lab');
    const child = spawn(process.execPath, [CLI, 'import', folder, '--lab', lab, '--watch', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEARLAB_WATCH_DEBOUNCE_MS: '100' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));

    await vi.waitFor(() => expect(stderr).toContain(`Watching ${folder}`), { timeout: 90_000, interval: 100 });
    copyFileSync(sample(SAMPLE[1]), join(folder, 'b.png'));
    // Each watch import's summary goes to stderr with --json: stdout keeps the one object.
    await vi.waitFor(() => expect(stderr).toMatch(/images found 2: 1 new/), UNTIL);
    expect(stdout).toBe('');
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const out = JSON.parse(stdout) as { added: number; watch: Results['watchedFolders']['folders'][number] };
    expect(out.added).toBe(1);
    expect(out.watch).toMatchObject({ folder, imports: 1, changed: 1, problems: 0, error: null });
  }, 150_000);
});
