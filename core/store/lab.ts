import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LabOpenError } from './errors.ts';
import { migrations } from './migrations/index.ts';

/** 'NLAB': marks an SQLite file as a Nearlab lab (PRAGMA application_id). */
export const LAB_APPLICATION_ID = 0x4e4c4142;
const SQLITE_MAGIC = 'SQLite format 3\0';

export type Db = Database.Database;

export interface OpenLabOptions {
  /** Create the file (and its folder) when it does not exist. Default true. */
  create?: boolean;
  readonly?: boolean;
}

/** An open lab file. Every table lives in this one SQLite database. */
export class Lab {
  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {}

  /**
   * Opens or creates a lab. A file that is not a Nearlab lab (not SQLite, another application's
   * database, or a newer schema) is refused before anything is written to it.
   */
  static open(path: string, options: OpenLabOptions = {}): Lab {
    const file = resolve(path);
    const exists = checkExisting(file);
    if (!exists) {
      if (options.create === false || options.readonly) throw new LabOpenError(file, 'no such lab file');
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (e) {
        throw new LabOpenError(file, `cannot create its folder (${(e as Error).message})`);
      }
    }
    let db: Db;
    try {
      db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: exists });
    } catch (e) {
      throw new LabOpenError(file, `cannot open (${(e as Error).message})`);
    }
    try {
      if (exists) verifyLab(db, file);
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        // WAL with synchronous=NORMAL survives a process kill (only an OS crash can lose the last commits).
        db.pragma('synchronous = NORMAL');
        migrate(db);
      }
    } catch (e) {
      db.close();
      throw e instanceof LabOpenError ? e : new LabOpenError(file, (e as Error).message);
    }
    return new Lab(file, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }
}

/** True when a non-empty file exists and starts like an SQLite database; throws when it is something else. */
function checkExisting(file: string): boolean {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new LabOpenError(file, 'is not a file');
    size = st.size;
  } catch (e) {
    if (e instanceof LabOpenError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new LabOpenError(file, (e as Error).message);
  }
  if (size === 0) throw new LabOpenError(file, 'is an empty file, not a Nearlab lab');
  const head = Buffer.alloc(16);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new LabOpenError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_MAGIC)
    throw new LabOpenError(file, 'is not a Nearlab lab (not an SQLite database)');
  return true;
}

function verifyLab(db: Db, file: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId !== LAB_APPLICATION_ID) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (appId !== 0 || tables.n > 0 || version !== 0) {
      throw new LabOpenError(file, 'is not a Nearlab lab (an SQLite database of another application)');
    }
  }
  if (version > migrations.length) {
    throw new LabOpenError(
      file,
      `was written by a newer Nearlab (schema ${version}; this one knows ${migrations.length})`,
    );
  }
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === migrations.length) return;
  db.transaction(() => {
    for (let v = version; v < migrations.length; v++) db.exec(migrations[v]);
    db.pragma(`application_id = ${LAB_APPLICATION_ID}`);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}
