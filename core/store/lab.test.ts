import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Lab, LAB_APPLICATION_ID } from './lab.ts';
import { migrations } from './migrations/index.ts';

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
});
