import Database from 'better-sqlite3';
import { UserError } from '../util/user-error.ts';

/**
 * A lab that could not be read or written because of where it lives (a read-only file or file system, a full
 * disk, a file that cannot be opened, another process holding it): one line naming the lab and what to do.
 */
export class LabAccessError extends UserError {
  override readonly name: string = 'LabAccessError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** SQLite's primary result code of an error from better-sqlite3 ('SQLITE_IOERR' for 'SQLITE_IOERR_WRITE'), else null. */
export function sqliteCode(e: unknown): string | null {
  const full = fullSqliteCode(e);
  return full === null ? null : full.split('_').slice(0, 2).join('_');
}

function fullSqliteCode(e: unknown): string | null {
  return e instanceof Database.SqliteError ? e.code : null;
}

/** What the user can do about an SQLite failure of the lab, or null when it is not one the user can act on. */
export function labProblem(e: unknown): string | null {
  const code = sqliteCode(e);
  return code === null ? null : problemOf(code, fullSqliteCode(e) ?? code);
}

function problemOf(code: string, full: string): string | null {
  switch (code) {
    case 'SQLITE_READONLY':
      return 'the lab cannot be written (read-only file or file system): make the lab file and its folder writable, or copy the lab to a writable folder and use the copy';
    case 'SQLITE_FULL':
      return 'the disk holding the lab is full: free some space, then run the command again (what was saved before is kept)';
    case 'SQLITE_CANTOPEN':
      return 'cannot open the lab file or the journal beside it: check that its folder exists and that you may read and write there';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'another process kept the lab locked for more than 5 seconds: try again when it is done';
    case 'SQLITE_IOERR':
      return `the lab could not be read or written (${full}): check the disk it is on`;
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return 'the lab file is damaged: restore it from a copy, or import your folders into a new lab';
    default:
      return null;
  }
}

/**
 * A failure to write a file beside the lab (its job lock) as the LabAccessError of the same SQLite problem: a
 * full disk, or a folder that cannot be written; else unchanged.
 */
export function besideLabError(path: string, e: unknown): unknown {
  const errno = (e as NodeJS.ErrnoException).code;
  const like =
    errno === 'ENOSPC' || errno === 'EDQUOT'
      ? 'SQLITE_FULL'
      : errno === 'EROFS' || errno === 'EACCES' || errno === 'EPERM'
        ? 'SQLITE_READONLY'
        : null;
  if (like === null) return e;
  return new LabAccessError(path, problemOf(like, errno ?? like) ?? (e as Error).message);
}

/** The error as a LabAccessError naming the lab when it is an SQLite failure the user can act on; else unchanged. */
export function asLabAccessError(path: string, e: unknown): unknown {
  if (e instanceof UserError) return e;
  const problem = labProblem(e);
  return problem === null ? e : new LabAccessError(path, problem);
}
