import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tiny CLIP-shaped model scripts/make-tiny-clip.py makes (random weights, Hugging Face layout). */
export const TINY_CLIP = fileURLToPath(new URL('../../../../test/fixtures/tiny-clip', import.meta.url));
/** Encoders that are wrong on purpose, made by the same script. */
export const TINY_CLIP_VARIANTS = fileURLToPath(
  new URL('../../../../test/fixtures/tiny-clip-variants', import.meta.url),
);

/** What the script computed with torch: token ids and unnormalised embeddings. */
export interface TinyClipExpected {
  maxLength: number;
  vocabSize: number;
  tokens: { text: string; ids: number[] }[];
  images: { file: string; embedding: number[] }[];
  texts: { text: string; ids: number[]; embedding: number[] }[];
}

export function tinyClipExpected(): TinyClipExpected {
  return JSON.parse(readFileSync(join(TINY_CLIP, 'expected.json'), 'utf8')) as TinyClipExpected;
}

/** A copy of the fixture in a fresh temporary folder, to break on purpose. */
export function copyTinyClip(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nearlab-clip-')), 'tiny-clip');
  cpSync(TINY_CLIP, dir, { recursive: true });
  return dir;
}
