import type { Command } from 'commander';
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import { allCaptions } from '../../store/captions.ts';
import { exportRows } from '../../store/items.ts';
import type { Lab } from '../../store/lab.ts';
import { readEmbeddings } from '../../store/embeddings.ts';
import { resolveModelId } from '../../store/models.ts';
import { CliError, commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withLab } from '../with-lab.ts';

const exportOptions = commonOptions.extend({
  out: z.string().min(1),
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
});

/** Tabs and line breaks would break the TSV: replaced by spaces. */
const cell = (v: string | number | null) => (v === null ? '' : String(v).replace(/[\t\r\n]+/g, ' '));

/** Makes the output folder (and its parents), or says in one line why it cannot. */
function makeOutputFolder(dir: string): void {
  let isFolder: boolean | undefined;
  try {
    isFolder = statSync(dir, { throwIfNoEntry: false })?.isDirectory();
  } catch {
    // Unreadable on the way: mkdir says why below.
  }
  if (isFolder === false) throw new CliError(`--out ${dir} is a file, not a folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot make the folder ${dir}: ${(e as Error).message}`);
  }
}

/** A file written line by line; `close()` ends it and reports a failure (no permission, disk full) in one line. */
function tsvFile(path: string): { write(line: string): void; close(): Promise<void> } {
  const stream = createWriteStream(path);
  // Listening from the start: an error before close() is awaited is reported there, never thrown at the process.
  const done = finished(stream).catch((e: unknown) => {
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`);
  });
  // Handled here too, so a failure is not reported as unhandled when an earlier error means close() is never called.
  done.catch(() => {});
  return {
    write: (line) => void stream.write(line),
    close: () => {
      stream.end();
      return done;
    },
  };
}

/**
 * The TensorFlow Embedding Projector's format: vectors.tsv (one row of numbers per point, no header)
 * and metadata.tsv (a header, then one row per point in the same order). Images, then captions.
 */
export async function exportProjector(
  lab: Lab,
  modelId: number,
  dir: string,
): Promise<{ images: number; captions: number }> {
  const db = lab.db;
  const images = readEmbeddings(db, modelId, 'image');
  const captions = readEmbeddings(db, modelId, 'caption');
  if (images.ids.length === 0)
    throw new CliError(`model ${modelId} has no embeddings: run \`nearlab embed --model ${modelId}\``);
  makeOutputFolder(dir);
  const vectors = tsvFile(join(dir, 'vectors.tsv'));
  const meta = tsvFile(join(dir, 'metadata.tsv'));
  meta.write('item\tpath\tmodality\tcaption\tlabel\tsplit\n');
  const item = exportRows(db);
  const captionOf = new Map(allCaptions(db).map((c) => [c.id, c]));
  const write = (m: typeof images, r: number) =>
    vectors.write(`${Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim)).join('\t')}\n`);
  for (let r = 0; r < images.ids.length; r++) {
    const it = item(images.ids[r])!;
    write(images, r);
    meta.write(`${[it.id, it.path, 'image', it.caption, it.label, it.split].map(cell).join('\t')}\n`);
  }
  for (let r = 0; r < captions.ids.length; r++) {
    const c = captionOf.get(captions.ids[r])!;
    const it = item(c.itemId)!;
    write(captions, r);
    meta.write(`${[c.itemId, it.path, 'caption', c.text, it.label, it.split].map(cell).join('\t')}\n`);
  }
  await Promise.all([vectors.close(), meta.close()]);
  return { images: images.ids.length, captions: captions.ids.length };
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      "write a model's embeddings in the TensorFlow Embedding Projector's format (vectors.tsv, metadata.tsv)",
    )
    .option('--lab <file>', 'lab file')
    .requiredOption('--out <dir>', 'output folder')
    .option('--model <id>', 'model (default: the newest)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(exportOptions, raw);
      await withLab(o.lab, async (lab) => {
        const modelId = resolveModelId(lab.db, o.model);
        const dir = resolve(o.out);
        const n = await exportProjector(lab, modelId, dir);
        if (o.json) return printJson({ model: modelId, out: dir, ...n });
        process.stdout.write(
          `wrote ${n.images} image and ${n.captions} caption vectors of model ${modelId} to ${dir}\n`,
        );
      });
    });
}
