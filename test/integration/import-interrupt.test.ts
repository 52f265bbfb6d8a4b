import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Lab } from '../../core/store/lab.ts';
import { CLI, runCliJson } from '../helpers/cli.ts';
import { tempDir, write } from '../helpers/corpus.ts';

const COUNT = 240;
let folder: string;

/** Distinct 1-megapixel JPEGs: slow enough to decode that an import can be stopped half way. */
beforeAll(async () => {
  folder = tempDir('nearlab-big-');
  const base = await sharp({
    create: {
      width: 1000,
      height: 1000,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .raw()
    .toBuffer();
  for (let i = 0; i < COUNT; i++) {
    base.fill(i & 0xff, i * 3000, i * 3000 + 3000); // a different image each time: one more stripe
    write(
      folder,
      `img-${String(i).padStart(4, '0')}.jpg`,
      await sharp(base, { raw: { width: 1000, height: 1000, channels: 3 } })
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
  }
});

function countItems(lab: string): number {
  try {
    const l = Lab.open(lab, { readonly: true });
    try {
      return (l.db.prepare("SELECT count(*) AS n FROM items WHERE status = 'ok'").get() as { n: number }).n;
    } finally {
      l.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

/** Starts an import and sends `signal` once some images are committed; resolves with its exit. */
function interruptImport(
  lab: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'import', folder, '--lab', lab, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout }));
    const poll = setInterval(() => {
      if (countItems(lab) > 0) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 20);
    child.on('close', () => clearInterval(poll));
  });
}

describe('an interrupted import', () => {
  it('after kill -9 keeps what was committed and the next import resumes', async () => {
    const lab = join(tempDir(), 'killed.lab');
    const killed = await interruptImport(lab, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const kept = countItems(lab);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(COUNT);

    const resumed = await runCliJson<{ added: number; unchanged: number; errors: number; runId: number }>([
      'import',
      folder,
      '--lab',
      lab,
    ]);
    expect(resumed).toMatchObject({ added: COUNT - kept, unchanged: kept, errors: 0 });
    expect(countItems(lab)).toBe(COUNT);
    const l = Lab.open(lab, { readonly: true });
    expect(l.db.prepare('SELECT status, summary FROM import_runs ORDER BY id').all()).toEqual([
      { status: 'failed', summary: '{"interrupted":true}' },
      expect.objectContaining({ status: 'done' }),
    ]);
    l.close();
  });

  it('stops cleanly on Ctrl-C (SIGINT) with a summary, and the next import finishes', async () => {
    const lab = join(tempDir(), 'stopped.lab');
    const stopped = await interruptImport(lab, 'SIGINT');
    expect(stopped.code).toBe(130);
    const summary = JSON.parse(stopped.stdout) as { status: string; added: number };
    expect(summary.status).toBe('cancelled');
    expect(countItems(lab)).toBe(summary.added);
    const rest = await runCliJson<{ added: number; unchanged: number }>(['import', folder, '--lab', lab]);
    expect(rest.added + rest.unchanged).toBe(COUNT);
    expect(rest.unchanged).toBe(summary.added);
  });
});
