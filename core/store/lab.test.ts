import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Lab, LAB_APPLICATION_ID } from './lab.ts';
import { migrations } from './migrations/index.ts';
import { canMount, readOnlyView, smallDisk } from '../../test/helpers/mounts.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'nearlab-lab-'));

describe('Lab.open', () => {
  it('creates a new lab with the current schema, WAL and foreign keys', () => {
    const lab = Lab.open(join(tmp(), 'sub', 'a.lab'));
    expect(lab.schemaVersion).toBe(migrations.length);
    expect(lab.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(lab.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(lab.db.pragma('application_id', { simple: true })).toBe(LAB_APPLICATION_ID);
    lab.close();
  });

  it('reopens an existing lab without migrating again', () => {
    const file = join(tmp(), 'a.lab');
    Lab.open(file).close();
    const lab = Lab.open(file, { create: false });
    expect(lab.schemaVersion).toBe(migrations.length);
    lab.close();
  });

  it('refuses a text file and leaves it untouched', () => {
    const file = join(tmp(), 'notes.lab');
    writeFileSync(file, 'hello, not a database\n');
    expect(() => Lab.open(file)).toThrow(/not a Nearlab lab \(not an SQLite database\)/);
    expect(readFileSync(file, 'utf8')).toBe('hello, not a database\n');
  });

  it('refuses an empty file', () => {
    const file = join(tmp(), 'empty.lab');
    writeFileSync(file, '');
    expect(() => Lab.open(file)).toThrow(/empty file/);
  });

  it("refuses another application's SQLite database without changing it", () => {
    const file = join(tmp(), 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    other.close();
    const before = readFileSync(file);
    expect(() => Lab.open(file)).toThrow(/another application/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a lab from a newer Nearlab', () => {
    const file = join(tmp(), 'new.lab');
    Lab.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => Lab.open(file)).toThrow(/newer Nearlab/);
  });

  it('does not create a missing lab when asked not to', () => {
    expect(() => Lab.open(join(tmp(), 'missing.lab'), { create: false })).toThrow(/no such lab file/);
  });

  it('begins every transaction IMMEDIATE: a second writer waits for it instead of failing on a stale snapshot', () => {
    const file = join(tmp(), 'a.lab');
    const lab = Lab.open(file);
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    const addRoot = (db: Database.Database, path: string) =>
      db.prepare("INSERT INTO roots (path, added_at) VALUES (?, 'now')").run(path);
    lab.db.transaction(() => {
      lab.db.prepare('SELECT count(*) FROM roots').get();
      // The lab's transaction holds the write lock from its BEGIN, before it writes anything.
      expect(() => addRoot(other, '/b')).toThrow(/database is locked/);
      addRoot(lab.db, '/a');
    })();
    addRoot(other, '/b');
    other.close();
    expect(lab.db.prepare('SELECT count(*) AS n FROM roots').get()).toEqual({ n: 2 });
    lab.close();
  });

  it('closes into one self-contained file in rollback-journal mode, unless another connection still has it', () => {
    const file = join(tmp(), 'a.lab');
    const lab = Lab.open(file);
    const again = Lab.open(file);
    lab.close();
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    // File format bytes 18 and 19: 1 = rollback journal, 2 = WAL (which read-only media cannot open).
    expect([...readFileSync(file).subarray(18, 20)]).toEqual([1, 1]);
    const reopened = Lab.open(file);
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    reopened.close();
  });

  it('opens read-only when asked: reads work, writes are refused, and it says why', () => {
    const file = join(tmp(), 'a.lab');
    Lab.open(file).close();
    const lab = Lab.open(file, { readonly: true });
    expect(lab.readOnly).toBe(true);
    expect(lab.readOnlyReason).toBe('opened read-only');
    expect(lab.db.prepare('SELECT count(*) AS n FROM items').get()).toEqual({ n: 0 });
    expect(() => lab.db.prepare("INSERT INTO roots (path, added_at) VALUES ('/a', 'now')").run()).toThrow(/readonly/);
    lab.close();
    expect(Lab.open(file).readOnly).toBe(false);
  });

  it('refuses a read-only lab of an older schema, which it cannot upgrade', () => {
    const file = join(tmp(), 'old.lab');
    Lab.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length - 1}`);
    raw.close();
    expect(() => Lab.open(file, { readonly: true })).toThrow(/read-only and was written by an older Nearlab/);
  });

  it.skipIf(!canMount)('opens a lab on a read-only file system read-only, root included', () => {
    const dir = tmp();
    const lab = Lab.open(join(dir, 'a.lab'));
    lab.db.prepare("INSERT INTO roots (path, added_at) VALUES ('/a', 'now')").run();
    lab.close();
    const view = readOnlyView(dir);
    try {
      const ro = Lab.open(join(view.dir, 'a.lab'));
      expect(ro.readOnly).toBe(true);
      expect(ro.readOnlyReason).toBe('it is on a read-only file system');
      expect(ro.db.prepare('SELECT path FROM roots').pluck().all()).toEqual(['/a']);
      ro.close();
    } finally {
      view.unmount();
    }
  });

  it.skipIf(!canMount)('refuses to create a lab on a full disk with one line naming it', () => {
    const disk = smallDisk('64k');
    try {
      writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(60 * 1024));
      const file = join(disk.dir, 'new.lab');
      expect(() => Lab.open(file)).toThrow(
        `${file}: the disk holding the lab is full: free some space, then run the command again (what was saved before is kept)`,
      );
    } finally {
      disk.unmount();
    }
  });
});
