import { mkdirSync, statSync } from 'node:fs';
import { UserError } from '../../util/user-error.ts';

/** An export that cannot write where it was asked to, or cannot read what it exports: the message says which. */
export class ExportError extends UserError {
  override readonly name = 'ExportError';
}

/** Makes the output folder (and its parents), or says in one line why it cannot. */
export function makeOutputFolder(dir: string): void {
  let isFolder: boolean | undefined;
  try {
    isFolder = statSync(dir, { throwIfNoEntry: false })?.isDirectory();
  } catch {
    // Unreadable on the way: mkdir says why below.
  }
  if (isFolder === false) throw new ExportError(`--out ${dir} is a file, not a folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ExportError(`cannot make the folder ${dir}: ${(e as Error).message}`);
  }
}
