import type { Params } from '../api/contract.ts';
import { FileTooLargeError, readRegularFile } from '../util/regular-file.ts';
import { UserError } from '../util/user-error.ts';
import { CliError } from './options.ts';

type ImageParam = Params<'classify'>['image'];

/** The contract's limit on an image's base64 text (28,000,000 characters), in bytes. */
const MAX_IMAGE_BYTES = 20_000_000;

function refusal(path: string, e: unknown): CliError {
  if (e instanceof FileTooLargeError)
    return new CliError(`${path}: ${(e.size / 1e6).toFixed(1)} MB; an image query may have at most 20 MB`);
  if (e instanceof UserError) return new CliError(e.message);
  return new CliError(`cannot read ${path}: ${(e as Error).message}`);
}

/**
 * An image file named on the command line, as the API takes an image from a caller: its bytes, base64. Only a
 * regular file is read (a named pipe would wait forever for a writer).
 */
export async function imageFromFile(path: string): Promise<ImageParam> {
  const bytes = await readRegularFile(path, { maxBytes: MAX_IMAGE_BYTES }).catch((e: unknown) => {
    throw refusal(path, e);
  });
  return { base64: bytes.toString('base64'), name: path };
}
