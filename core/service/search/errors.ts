import { UserError } from '../../util/user-error.ts';

/** A problem with a search or classification request the user can fix (no model, unknown item, bad query). */
export class SearchError extends UserError {
  override readonly name = 'SearchError';
}

/** Runs `fn`, turning any error it throws into a SearchError with the same message (for parser errors). */
export function asSearchError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new SearchError((e as Error).message);
  }
}
