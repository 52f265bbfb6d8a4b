import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { z } from 'zod';
import { makeOutputFolder } from '../../data/export/folder.ts';
import { DEFAULT_SHARD_SIZE, exportWebDataset, type WebDatasetResult } from '../../data/export/webdataset.ts';
import { allCaptions } from '../../store/captions.ts';
import { exportRows } from '../../store/items.ts';
import type { Lab } from '../../store/lab.ts';
import { readEmbeddings } from '../../store/embeddings.ts';
import { resolveModelId } from '../../store/models.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { CliError, commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { createProgressBar } from '../progress-bar.ts';
import { withLab } from '../with-lab.ts';

const exportOptions = commonOptions.extend({
  out: z.string().min(1),
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  format: z
    .enum(['projector', 'webdataset'], { message: '--format must be projector or webdataset' })
    .default('projector'),
  split: z.enum(['train', 'val', 'test'], { message: '--split must be train, val or test' }).optional(),
  shardSize: numberArg('--shard-size')
    .pipe(z.number().int('--shard-size must be a whole number').min(1, '--shard-size must be at least 1'))
    .optional(),
});

/** Tabs and line breaks would break the TSV: replaced by spaces. */
const cell = (v: string | number | null) => (v === null ? '' : String(v).replace(/[\t\r\n]+/g, ' '));

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

/** The lines `nearlab export --format webdataset` prints without --json. */
export function webDatasetLines(r: WebDatasetResult): string[] {
  if (r.status === 'cancelled') return [`stopped: no shards kept in ${r.out} (run it again to export)`];
  const lines = [
    `wrote ${r.samples} samples in ${r.shards.length} shard${r.shards.length === 1 ? '' : 's'} to ${r.out} (${r.converted} images re-encoded as JPEG)`,
    `  --train-data '${r.pattern}' --train-num-samples ${r.samples}`,
    `  train.csv, sizes.json and TRAIN.md (the OpenCLIP commands) beside them`,
  ];
  if (r.noCaption > 0) lines.push(`left out ${r.noCaption} item${r.noCaption === 1 ? '' : 's'} without a caption`);
  if (r.skippedCount > 0) {
    lines.push(`left out ${r.skippedCount} unreadable file${r.skippedCount === 1 ? '' : 's'}:`);
    for (const s of r.skipped) lines.push(`  ${s.path}: ${s.reason}`);
    if (r.skippedCount > r.skipped.length) lines.push(`  … and ${r.skippedCount - r.skipped.length} more`);
  }
  return lines;
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      "write a model's embeddings for the TensorFlow Embedding Projector (vectors.tsv, metadata.tsv), or with " +
        '--format webdataset the captioned images as tar shards for OpenCLIP (with train.csv and TRAIN.md)',
    )
    .option('--lab <file>', 'lab file')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <format>', 'projector (embeddings, the default) or webdataset (images and captions)')
    .option('--model <id>', 'projector: model (default: the newest)')
    .option('--split <split>', 'webdataset: only the items of this split (train, val, test; default: all)')
    .option('--shard-size <n>', `webdataset: samples per shard (default ${DEFAULT_SHARD_SIZE})`)
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(exportOptions, raw);
      const dir = resolve(o.out);
      if (o.format === 'webdataset') {
        if (o.model !== undefined) throw new CliError('--model is for --format projector: webdataset exports images');
        const bar = createProgressBar();
        await cancellableBySigint('stopping after the image in flight', (signal) =>
          withLab(o.lab, async (lab) => {
            const r = await exportWebDataset(lab.db, dir, {
              split: o.split,
              shardSize: o.shardSize,
              signal,
              onProgress: bar.update,
            });
            bar.done();
            if (o.json) printJson(r);
            else process.stdout.write(`${webDatasetLines(r).join('\n')}\n`);
            if (r.status === 'cancelled') process.exitCode = 130;
          }),
        );
        return;
      }
      if (o.split !== undefined || o.shardSize !== undefined)
        throw new CliError('--split and --shard-size are for --format webdataset');
      await withLab(o.lab, async (lab) => {
        const modelId = resolveModelId(lab.db, o.model);
        const n = await exportProjector(lab, modelId, dir);
        if (o.json) return printJson({ model: modelId, out: dir, ...n });
        process.stdout.write(
          `wrote ${n.images} image and ${n.captions} caption vectors of model ${modelId} to ${dir}\n`,
        );
      });
    });
}
