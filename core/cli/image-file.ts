import { promises as fs } from 'node:fs';
import type { Params } from '../api/contract.ts';
import { CliError } from './options.ts';

type ImageParam = Params<'classify'>['image'];

/** The contract's limit on an image's base64 text (28,000,000 characters), in bytes. */
const MAX_IMAGE_BYTES = 20_000_000;

/** An image file named on the command line, as the API takes an image from a caller: its bytes, base64. */
export async function imageFromFile(path: string): Promise<ImageParam> {
  const bytes = await fs.readFile(path).catch((e: Error) => {
    throw new CliError(`cannot read ${path}: ${e.message}`);
  });
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new CliError(`${path}: ${(bytes.length / 1e6).toFixed(1)} MB; an image query may have at most 20 MB`);
  return { base64: bytes.toString('base64'), name: path };
}
