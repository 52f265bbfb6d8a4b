import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, runCliJson, type CliResult } from '../helpers/cli.ts';
import { SAMPLE_DIR, tempDir } from '../helpers/corpus.ts';
import { asNobody, canMount, readOnlyView, smallDisk } from '../helpers/mounts.ts';

/**
 * A lab that cannot be written (read-only file, read-only mount) or whose disk is full: reading still works, and
 * a command that would write says so in one line naming the lab (exit 1, no stack trace). Root ignores file
 * permissions, so the read-only file is tried as user nobody, and the mount and full disk need mount(8): each case
 * is skipped where the machine does not allow it.
 */

const SAMPLE = SAMPLE_DIR.replace(/\/$/, '');
const IMAGE = join(SAMPLE, 'images', readdirSync(join(SAMPLE, 'images')).sort()[0]);
const WHAT_TO_DO = 'make the lab file and its folder writable, or copy the lab to a writable folder and use the copy';

/** One line on stderr naming the lab, exit 1. */
function expectOneLine(r: CliResult, lab: string, problem: string): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`nearlab: ${lab}: ${problem}\n`);
}

function runAs(prefix: string[], args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(prefix[0], [...prefix.slice(1), process.execPath, CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A lab with the sample and a tiny trained model, closed. */
let trained: string;
beforeAll(async () => {
  trained = join(tempDir(), 'lab.nearlab');
  await runCliJson(['import', SAMPLE, '--lab', trained]);
  const args = [
    '--backbone',
    'scratch',
    '--epochs',
    '1',
    '--dim',
    '16',
    '--image-size',
    '16',
    '--batch',
    '32',
    '--workers',
    '1',
  ];
  await runCliJson(['train', '--lab', trained, ...args]);
}, 120_000);

describe('a lab on a read-only file system', () => {
  it.skipIf(!canMount)(
    'opens for info, models, search and classify; import and train say it is read-only',
    async () => {
      const view = readOnlyView(join(trained, '..'));
      try {
        const lab = join(view.dir, 'lab.nearlab');
        expect(await runCliJson(['info', '--lab', lab])).toMatchObject({ items: 319, captions: 319 });
        expect(await runCliJson(['models', '--lab', lab])).toMatchObject({ models: [{ id: 1, status: 'done' }] });
        const hits = await runCliJson<{ results: unknown[] }>([
          'search',
          '--lab',
          lab,
          '--text',
          'red apple',
          '-k',
          '3',
        ]);
        expect(hits.results).toHaveLength(3);
        const knn = await runCliJson<{ label: string }>(['classify', '--lab', lab, '--image', IMAGE, '--knn', '5']);
        expect(typeof knn.label).toBe('string');

        const why = 'which is read-only here (it is on a read-only file system)';
        expectOneLine(
          await runCli(['import', SAMPLE, '--lab', lab]),
          lab,
          `the import of ${SAMPLE} needs to write the lab, ${why}: ${WHAT_TO_DO}`,
        );
        expectOneLine(
          await runCli(['train', '--lab', lab]),
          lab,
          `a new training run needs to write the lab, ${why}: ${WHAT_TO_DO}`,
        );
        expectOneLine(
          await runCli(['models', '--lab', lab, '--remove', '1']),
          lab,
          `removing model 1 needs to write the lab, ${why}: ${WHAT_TO_DO}`,
        );
      } finally {
        view.unmount();
      }
    },
  );
});

describe('a read-only lab file', () => {
  it.skipIf(asNobody === null)('opens for info and search; an import says the file is not writable', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const lab = join(dir, 'lab.nearlab');
    copyFileSync(trained, lab);
    chmodSync(lab, 0o444);
    const info = await runAs(asNobody!, ['info', '--lab', lab, '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ items: 319 });
    const search = await runAs(asNobody!, ['search', '--lab', lab, '--text', 'cat', '-k', '2', '--json']);
    expect(search.code).toBe(0);
    expectOneLine(
      await runAs(asNobody!, ['import', SAMPLE, '--lab', lab]),
      lab,
      `the import of ${SAMPLE} needs to write the lab, which is read-only here (the lab file is not writable): ${WHAT_TO_DO}`,
    );
  });
});

describe('a lab on a full disk', () => {
  it.skipIf(!canMount)('stops an import with one line, keeps what was saved, and still opens for info', async () => {
    const disk = smallDisk('3m');
    try {
      const lab = join(disk.dir, 'lab.nearlab');
      const full =
        'the disk holding the lab is full: free some space, then run the command again (what was saved before is kept)';
      expectOneLine(await runCli(['import', SAMPLE, '--lab', lab]), lab, full);
      const info = await runCliJson<{ items: number }>(['info', '--lab', lab]);
      expect(info.items).toBeGreaterThan(0);
      expect(info.items).toBeLessThan(319);
      expectOneLine(await runCli(['import', SAMPLE, '--lab', lab]), lab, full);
      mkdirSync(join(disk.dir, 'sub'));
      expectOneLine(
        await runCli(['import', SAMPLE, '--lab', join(disk.dir, 'sub', 'new.nearlab')]),
        join(disk.dir, 'sub', 'new.nearlab'),
        full,
      );
    } finally {
      disk.unmount();
    }
  });
});
