import envPaths from 'env-paths';
import { join } from 'node:path';
import { Lab } from './lab.ts';

/** The lab used when none is named: $NEARLAB_LAB, else `default.nearlab` in the user's data folder. */
export function defaultLabPath(): string {
  return process.env.NEARLAB_LAB || join(envPaths('nearlab', { suffix: '' }).data, 'default.nearlab');
}

/** Opens the named lab, or the default one. */
export function openLab(path: string | undefined, options: { create?: boolean; readonly?: boolean } = {}): Lab {
  return Lab.open(path ?? defaultLabPath(), options);
}
