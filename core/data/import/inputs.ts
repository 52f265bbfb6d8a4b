import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../util/user-error.ts';
import type { ImportOptions } from './types.ts';

/** The folder, a captions file or a labels file named by the user cannot be used; nothing was written. */
export class ImportInputError extends UserError {
  override readonly name = 'ImportInputError';
}

/**
 * Checks the folder and the named tables before anything is written; throws ImportInputError with
 * a message for the user. Callers may run it before creating a lab, so a typo creates nothing.
 */
export async function resolveImportInputs(
  folder: string,
  options: Pick<ImportOptions, 'captionsFile' | 'labelsFile' | 'holdout'>,
): Promise<{ root: string; captionsFile: string | null; labelsFile: string | null }> {
  const holdout = options.holdout ?? 0.1;
  if (!(holdout >= 0 && holdout < 0.5))
    throw new ImportInputError(`--holdout must be at least 0 and below 0.5 (got ${holdout})`);
  const root = await checkFolder(folder);
  return {
    root,
    captionsFile: await pickTable(root, options.captionsFile, 'captions'),
    labelsFile: await pickTable(root, options.labelsFile, 'labels'),
  };
}

async function checkFolder(folder: string): Promise<string> {
  const abs = resolve(folder);
  let real: string;
  try {
    real = await fs.realpath(abs);
    const st = await fs.stat(real);
    if (!st.isDirectory()) throw new ImportInputError(`${abs} is not a folder`);
    await fs.access(real, fs.constants.R_OK | fs.constants.X_OK);
    await fs.readdir(real);
  } catch (e) {
    if (e instanceof ImportInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : (e as Error).message;
    throw new ImportInputError(`${abs} ${why}`);
  }
  return real;
}

/** An explicit table must exist; otherwise `<kind>.csv|tsv|jsonl` in the root is used when present. */
async function pickTable(
  root: string,
  explicit: string | undefined,
  kind: 'captions' | 'labels',
): Promise<string | null> {
  if (explicit) {
    const abs = resolve(explicit);
    const st = await fs.stat(abs).catch(() => null);
    if (!st?.isFile()) throw new ImportInputError(`${kind} file ${abs} ${st ? 'is not a file' : 'does not exist'}`);
    return abs;
  }
  for (const ext of ['csv', 'tsv', 'jsonl']) {
    const candidate = join(root, `${kind}.${ext}`);
    if ((await fs.stat(candidate).catch(() => null))?.isFile()) return candidate;
  }
  return null;
}
