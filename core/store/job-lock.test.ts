import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lab } from './lab.ts';
import { LabReadOnlyError, lockLab, lockPath, tryLockLab, waitingMessage } from './job-lock.ts';

const newLab = () => Lab.open(join(mkdtempSync(join(tmpdir(), 'nearlab-lock-')), 'a.lab'));
const IMPORT = { kind: 'import', title: 'the import of /photos' } as const;
const TRAIN = { kind: 'train', title: 'a new training run' } as const;

function staleLock(lab: Lab, fields: { pid: number; host?: string }): void {
  const holder = {
    token: 'old',
    kind: 'import',
    title: 'the import of /old',
    startedAt: '2024-05-06T12:03:00.000Z',
    host: hostname(),
    ...fields,
  };
  writeFileSync(lockPath(lab), JSON.stringify(holder));
}

describe('the lab job lock', () => {
  it('is held by one job at a time, names its holder, and is free again once released', () => {
    const lab = newLab();
    const first = tryLockLab(lab, IMPORT);
    if (!('lock' in first)) throw new Error('the first job did not get the lock');
    const holder = JSON.parse(readFileSync(lockPath(lab), 'utf8')) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: process.pid, kind: 'import', title: 'the import of /photos' });
    const second = tryLockLab(lab, TRAIN);
    expect(second).toEqual({ holder: first.lock.holder });
    first.lock.release();
    first.lock.release();
    expect(existsSync(lockPath(lab))).toBe(false);
    const third = tryLockLab(lab, TRAIN);
    expect('lock' in third).toBe(true);
    lab.close();
  });

  it('takes over the lock of a process that is gone, and respects one held on another machine', () => {
    const lab = newLab();
    staleLock(lab, { pid: 999_999_999 });
    const r = tryLockLab(lab, TRAIN);
    expect('lock' in r).toBe(true);
    if ('lock' in r) r.lock.release();

    staleLock(lab, { pid: 999_999_999, host: 'elsewhere' });
    const other = tryLockLab(lab, TRAIN);
    expect(other).toMatchObject({ holder: { host: 'elsewhere', title: 'the import of /old' } });
    lab.close();
  });

  it('lets a job wait for the holder, saying which job it waits for, until it is released or the wait is cancelled', async () => {
    const lab = newLab();
    const first = tryLockLab(lab, IMPORT);
    if (!('lock' in first)) throw new Error('no lock');
    const waits: string[] = [];
    const waiting = lockLab(lab, TRAIN, { pollMs: 10, onWait: (h) => waits.push(waitingMessage(h)) });
    await new Promise((r) => setTimeout(r, 50));
    const hhmm = new Date(first.lock.holder.startedAt).toTimeString().slice(0, 5);
    expect(waits).toEqual([`waiting for the import of /photos started ${hhmm} by this process…`]);
    first.lock.release();
    const second = await waiting;
    expect(second?.holder.title).toBe('a new training run');

    const controller = new AbortController();
    const cancelled = lockLab(lab, IMPORT, { pollMs: 10, signal: controller.signal });
    controller.abort();
    expect(await cancelled).toBeNull();
    second?.release();
    lab.close();
  });

  it('names another process by pid, and another machine by name, with the day when it is not today', () => {
    const base = { token: 't', kind: 'import', title: 'the import of /x', startedAt: '2024-05-06T12:03:00.000Z' };
    const day = new Date(base.startedAt);
    const when = `2024-05-06 ${day.toTimeString().slice(0, 5)}`;
    expect(waitingMessage({ ...base, pid: 4242, host: hostname() })).toBe(
      `waiting for the import of /x started ${when} by pid 4242…`,
    );
    expect(waitingMessage({ ...base, pid: 4242, host: 'lab-pc' })).toBe(
      `waiting for the import of /x started ${when} by pid 4242 on lab-pc…`,
    );
  });

  it('is refused on a lab opened read-only, naming the job and what to do', () => {
    const lab = newLab();
    const path = lab.path;
    lab.close();
    const ro = Lab.open(path, { readonly: true });
    expect(() => tryLockLab(ro, IMPORT)).toThrow(LabReadOnlyError);
    expect(() => tryLockLab(ro, IMPORT)).toThrow(
      `${path}: the import of /photos needs to write the lab, which is read-only here (opened read-only): make the lab file and its folder writable, or copy the lab to a writable folder and use the copy`,
    );
    ro.close();
  });
});
