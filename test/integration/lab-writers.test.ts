import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { lockPath, tryLockLab } from '../../core/store/job-lock.ts';
import { Lab } from '../../core/store/lab.ts';
import { CLI, runCli, runCliJson, type CliResult } from '../helpers/cli.ts';
import { copySample, makeImage, SAMPLE_DIR, tempDir, write } from '../helpers/corpus.ts';

/** Two processes writing one lab: the second waits for the first (the lab's job lock), neither fails. */

const SAMPLE = SAMPLE_DIR.replace(/\/$/, '');
const TINY = ['--backbone', 'scratch', '--epochs', '1', '--dim', '16', '--image-size', '16', '--workers', '1'];
const HHMM = '\\d\\d:\\d\\d';

interface Running {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<CliResult>;
}

/** Starts `nearlab ARGS` and returns at once, with its stderr so far and its end. */
function startCli(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

function expectNoCrash(r: CliResult): void {
  expect(r.stderr).not.toMatch(/SqliteError|database is locked|unexpected error|\n\s+at .*:\d+:\d+/);
}

async function importedLab(): Promise<string> {
  const path = join(tempDir(), 'lab.nearlab');
  await runCliJson(['import', SAMPLE, '--lab', path]);
  return path;
}

describe('two writers on one lab', () => {
  it('queues two imports: each waits for the job ahead of it, naming it, and both finish', async () => {
    const path = join(tempDir(), 'lab.nearlab');
    const lab = Lab.open(path);
    const held = tryLockLab(lab, { kind: 'train', title: 'a test job' });
    if (!('lock' in held)) throw new Error('the lab job lock is taken');
    const a = startCli(['import', SAMPLE, '--lab', path]);
    const b = startCli(['import', SAMPLE, '--lab', path]);
    const heldBy = new RegExp(`waiting for a test job started ${HHMM} by pid ${process.pid}…`);
    await vi.waitFor(
      () => expect([a.stderr(), b.stderr()]).toEqual([expect.stringMatching(heldBy), expect.stringMatching(heldBy)]),
      {
        timeout: 30_000,
        interval: 50,
      },
    );
    held.lock.release();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    for (const r of [ra, rb]) expectNoCrash(r);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    // Whichever started second waited for the other import, by its pid.
    const waitedForA = new RegExp(`waiting for the import of ${SAMPLE} started ${HHMM} by pid ${a.child.pid}…`);
    const waitedForB = new RegExp(`waiting for the import of ${SAMPLE} started ${HHMM} by pid ${b.child.pid}…`);
    expect(waitedForA.test(rb.stderr) !== waitedForB.test(ra.stderr)).toBe(true);
    const info = await runCliJson<{ items: number; captions: number; errors: number }>(['info', '--lab', path]);
    expect(info).toMatchObject({ items: 319, captions: 319, errors: 0 });
    lab.close();
    expect(() => readFileSync(lockPath(lab))).toThrow(/ENOENT/);
  }, 120_000);

  it('lets an import started during a training run wait for it, then import', async () => {
    const path = await importedLab();
    const more = copySample();
    write(more, 'new/extra.png', await makeImage('png', 12));
    const training = startCli(['train', '--lab', path, ...TINY, '--batch', '16']);
    await vi.waitFor(() => expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ kind: 'train' }), {
      timeout: 30_000,
      interval: 50,
    });
    const imported = await runCli(['import', more, '--lab', path, '--json']);
    const trained = await training.done;
    for (const r of [imported, trained]) expectNoCrash(r);
    expect([imported.code, trained.code]).toEqual([0, 0]);
    expect(imported.stderr).toMatch(
      new RegExp(`waiting for a new training run started ${HHMM} by pid ${training.child.pid}…`),
    );
    expect(JSON.parse(imported.stdout)).toMatchObject({ status: 'done', found: 320 });
    expect(trained.stdout).toMatch(/model 1: trained 1 epochs/);
  }, 180_000);
});

describe('a training run killed before its first checkpoint', () => {
  let path: string;
  beforeAll(async () => {
    path = await importedLab();
  }, 60_000);

  it('is listed as interrupted, resumes from the start with `train --resume`, and `models --remove` deletes it', async () => {
    // Small batches make the first epoch (whose end is the first checkpoint) last many steps.
    const training = startCli(['train', '--lab', path, ...TINY, '--batch', '4']);
    const reader = new Database(path, { readonly: true });
    await vi.waitFor(() => expect(reader.prepare('SELECT count(*) FROM models').pluck().get()).toBe(1), {
      timeout: 30_000,
      interval: 20,
    });
    training.child.kill('SIGKILL');
    await training.done;
    expect(reader.prepare('SELECT count(*) FROM model_checkpoints').pluck().get()).toBe(0);
    reader.close();

    const listed = await runCliJson<{ models: { id: number; status: string }[] }>(['models', '--lab', path]);
    expect(listed.models).toEqual([expect.objectContaining({ id: 1, status: 'interrupted' })]);
    const resumed = await runCli(['train', '--lab', path, '--resume']);
    expectNoCrash(resumed);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/model 1: trained 1 epochs/);
    const after = await runCliJson<{ models: { id: number; status: string }[] }>(['models', '--lab', path]);
    expect(after.models).toEqual([expect.objectContaining({ id: 1, status: 'done' })]);

    const removed = await runCli(['models', '--lab', path, '--remove', '1']);
    expect(removed).toMatchObject({ code: 0, stdout: `removed model 1 from ${path}\n` });
    expect((await runCliJson<{ models: unknown[] }>(['models', '--lab', path])).models).toEqual([]);
    const again = await runCli(['models', '--lab', path, '--remove', '1']);
    expect(again).toMatchObject({ code: 1, stderr: 'nearlab: the lab has no model 1\n' });
  }, 180_000);
});
