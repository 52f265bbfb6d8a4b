import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LabOpenError } from './errors.ts';
import { migrations } from './migrations/index.ts';
import { labProblem, sqliteCode } from './access-errors.ts';

/** 'NLAB': marks an SQLite file as a Nearlab lab (PRAGMA application_id). */
export const LAB_APPLICATION_ID = 0x4e4c4142;
const SQLITE_MAGIC = 'SQLite format 3\0';

export type Db = Database.Database;

type TransactionBody = Parameters<Db['transaction']>[0];

/**
 * A lab's connection. Every transaction on it begins IMMEDIATE: it takes the lab's one write lock up front, so a
 * second writer waits for it (busy_timeout) instead of failing with "database is locked" when the snapshot it
 * read from went stale under a commit of another process (what a deferred BEGIN that reads before it writes does).
 */
class LabDatabase extends Database {
  override transaction<F extends TransactionBody>(fn: F): Database.Transaction<F> {
    // Each variant of a better-sqlite3 transaction carries the others (lib/methods/transaction.js).
    return super.transaction(fn).immediate as Database.Transaction<F>;
  }
}

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
    /** Why the lab was opened read-only (asked for, or the file or its folder cannot be written), or null. */
    readonly readOnlyReason: string | null,
  ) {}

  /**
   * Opens or creates a lab. A file that is not a Nearlab lab (not SQLite, another application's
   * database, or a newer schema) is refused before anything is written to it. A lab whose file or folder
   * cannot be written (permissions, a read-only mount) is opened read-only: it can be read, not changed.
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
    const readOnlyReason = options.readonly ? 'opened read-only' : exists ? whyNotWritable(file) : null;
    const readonly = readOnlyReason !== null;
    let db: Db;
    try {
      db = new LabDatabase(file, { readonly, fileMustExist: exists });
    } catch (e) {
      throw new LabOpenError(file, openFailure(e, exists));
    }
    try {
      if (exists) verifyLab(db, file, readonly);
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      // 64 MiB of page cache (SQLite's default is 2 MiB): a search reads the caption index's long word lists, which
      // a small cache reads again from the file each time (bench:scale, search p95 at 100k items).
      db.pragma('cache_size = -65536');
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        // WAL with synchronous=NORMAL survives a process kill (only an OS crash can lose the last commits).
        db.pragma('synchronous = NORMAL');
        migrate(db);
      }
    } catch (e) {
      db.close();
      if (e instanceof LabOpenError) throw e;
      throw new LabOpenError(file, readonly ? readFailure(e) : (labProblem(e) ?? (e as Error).message));
    }
    return new Lab(file, db, readOnlyReason);
  }

  /** True when the lab cannot be changed through this connection (see readOnlyReason). */
  get readOnly(): boolean {
    return this.readOnlyReason !== null;
  }

  /**
   * Closes the connection. The last writer to close puts the lab back in rollback-journal mode, so that a closed
   * lab is one self-contained file that opens anywhere, read-only media included (SQLite cannot open a WAL-mode
   * database read-only where its -shm file cannot be created).
   */
  close(): void {
    if (!this.db.open) return;
    if (!this.readOnly) {
      try {
        this.db.pragma('journal_mode = DELETE');
      } catch {
        // Another connection still has the lab open (SQLITE_BUSY): it stays in WAL mode until the last one closes.
      }
    }
    this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }
}

/** Why an existing lab cannot be written here (its file or folder), or null when it can. */
function whyNotWritable(file: string): string | null {
  const targets: [string, string][] = [
    [file, 'the lab file is not writable'],
    // SQLite writes its journal beside the lab.
    [dirname(file), 'its folder is not writable'],
  ];
  for (const [target, reason] of targets) {
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : reason;
    }
  }
  return null;
}

function openFailure(e: unknown, exists: boolean): string {
  if (!exists && sqliteCode(e) === 'SQLITE_CANTOPEN')
    return 'cannot create the lab file here (is its folder writable?): choose another place for the lab';
  return labProblem(e) ?? `cannot open (${(e as Error).message})`;
}

/** A read-only lab that cannot be read as it is: SQLite needs to write beside a lab left in WAL mode. */
function readFailure(e: unknown): string {
  if (sqliteCode(e) === 'SQLITE_CANTOPEN')
    return 'cannot be read where it is: it was left mid-write (WAL mode) and its folder cannot be written; open it once with write access, or copy it to a writable folder and use the copy';
  return labProblem(e) ?? (e as Error).message;
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

function verifyLab(db: Db, file: string, readonly: boolean): void {
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
  if (readonly && version < migrations.length) {
    throw new LabOpenError(
      file,
      `is read-only and was written by an older Nearlab (schema ${version} of ${migrations.length}): open it once with write access to upgrade it, or copy it to a writable folder and use the copy`,
    );
  }
}

function migrate(db: Db): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() === migrations.length) return;
  db.transaction(() => {
    // Read again under the write lock: another process opening the lab at the same time may have migrated it.
    for (let v = version(); v < migrations.length; v++) db.exec(migrations[v]);
    db.pragma(`application_id = ${LAB_APPLICATION_ID}`);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}
