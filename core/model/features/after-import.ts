import { DEFAULT_BACKBONE } from '../backbones/catalog.ts';

/**
 * Whether an import goes on to compute the default backbone's features of what it added (the CLI unless
 * --no-features, and the service's import jobs): yes, unless NEARLAB_FEATURES_AFTER_IMPORT=0 turns it off for the
 * whole process (the test suite does, so that tests about imports do not wait for a backbone).
 */
export function featuresAfterImport(): boolean {
  return process.env.NEARLAB_FEATURES_AFTER_IMPORT !== '0';
}

/** The backbone an import computes features for. */
export const IMPORT_BACKBONE = DEFAULT_BACKBONE;
