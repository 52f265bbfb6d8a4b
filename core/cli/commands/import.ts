import type { Command } from 'commander';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Progress } from '../../api/types.ts';
import type { WatchState } from '../../api/curation-contract.ts';
import type { ImportSummary } from '../../data/import/types.ts';
import { resolveImportInputs } from '../../data/import/inputs.ts';
import { SPLIT } from '../../api/contract.ts';
import { latestModelId } from '../../store/models.ts';
import type { Lab } from '../../store/lab.ts';
import type { EmbedModelResult } from '../../model/embed-incremental.ts';
import { createProgressBar } from '../progress-bar.ts';
import { embedLine } from './embed.ts';
import { featuresLine, runFeatures } from './features.ts';
import { featuresAfterImport, IMPORT_BACKBONE } from '../../model/features/after-import.ts';
import { commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { withLab } from '../with-lab.ts';

const importOptions = commonOptions
  .extend({
    captions: z.string().min(1).optional(),
    labels: z.string().min(1).optional(),
    captionFromFilename: z.boolean().default(false),
    labelFromFolder: z.boolean().default(false),
    labelType: z.enum(['category', 'number']).default('category'),
    split: SPLIT.optional(),
    holdout: numberArg('--holdout').pipe(z.number().min(0).max(0.49)).optional(),
    maxPixels: numberArg('--max-pixels').pipe(z.number().int().positive()).optional(),
    embed: z.boolean().default(true),
    features: z.boolean().default(true),
    watch: z.boolean().default(false),
  })
  .refine((o) => !(o.split && o.holdout !== undefined), { message: 'give either --split or --holdout, not both' });

const SHOWN_PROBLEMS = 20;
const SHOWN_REASONS = 5;

export function register(program: Command): void {
  program
    .command('import')
    .description('import a folder of images with captions and labels into the lab (re-import is incremental)')
    .argument('<folder>', 'folder of images (searched recursively)')
    .option('--lab <file>', LAB_HELP)
    .option('--captions <file>', 'captions table (.csv/.tsv/.jsonl: file, caption; default captions.* in the folder)')
    .option('--labels <file>', 'labels table (.csv/.tsv/.jsonl: file, label; default labels.* in the folder)')
    .option('--caption-from-filename', 'caption images that have none with the words of their file name')
    .option('--label-from-folder', 'label each image with its top-level sub-folder name')
    .option('--label-type <type>', 'category (default) or number (for regression)')
    .option('--split <split>', 'put all new images in this split: train, val or test')
    .option('--holdout <fraction>', 'fraction of new images for val and again for test (default 0.1)')
    .option('--max-pixels <n>', 'largest image accepted, in pixels (default 100000000)')
    .option('--no-embed', "do not embed the new and changed images with the lab's trained models")
    .option('--no-features', `do not compute the ${IMPORT_BACKBONE} backbone's features of the new images`)
    .option('--watch', 'then keep watching the folder and import what changes, until Ctrl-C')
    .option('--json', 'print one JSON object (with --watch: when the watch stops)')
    .action(async (folder: string, raw: unknown) => {
      const { importFolder } = await import('../../data/import/import-folder.ts');
      const o = parseOptions(importOptions, raw);
      await resolveImportInputs(folder, { captionsFile: o.captions, labelsFile: o.labels, holdout: o.holdout });
      const bar = createProgressBar();
      const stopping = o.watch ? 'stopping the watch' : 'stopping after the images in flight';
      await cancellableBySigint(stopping, async (signal) => {
        const first = await withLab(
          o.lab,
          async (lab) => {
            const summary = await importFolder(lab, folder, {
              captionsFile: o.captions,
              labelsFile: o.labels,
              captionFromFilename: o.captionFromFilename,
              labelFromFolder: o.labelFromFolder,
              labelType: o.labelType,
              split: o.split,
              holdout: o.holdout,
              maxPixels: o.maxPixels,
              signal,
              onProgress: bar.update,
            });
            // Features first: models built on the backbone's features embed from them.
            const features =
              summary.status === 'done' && o.features && featuresAfterImport()
                ? await runFeatures(lab, IMPORT_BACKBONE, { signal, onProgress: bar.update })
                : null;
            const embedded =
              summary.status === 'done' && o.embed && !signal.aborted
                ? await embedNewItems(lab, signal, bar.update)
                : [];
            bar.done();
            if (o.json && !o.watch) printJson({ lab: lab.path, ...summary, features, embedded });
            else if (!o.json) {
              printSummary(lab.path, summary);
              if (features) process.stdout.write(`  ${featuresLine(features)}\n`);
              for (const r of embedded) process.stdout.write(`  ${embedLine(r)}\n`);
            }
            const stopped = features?.status === 'cancelled' || embedded.some((r) => r.status === 'cancelled');
            if (summary.status === 'cancelled' || stopped) process.exitCode = 130;
            return { lab: lab.path, ...summary, features, embedded };
          },
          { create: true, job: { kind: 'import', title: `the import of ${resolve(folder)}` }, signal },
        );
        if (!o.watch) return;
        if (signal.aborted || first.status === 'cancelled') {
          if (o.json) printJson({ ...first, watch: null });
          return;
        }
        // The watch: progress and each import's summary on stderr with --json, one JSON object when it stops.
        const { watchUntilStopped } = await import('../watch-folder.ts');
        const run = await watchUntilStopped(
          o.lab,
          first.root,
          {
            features: o.features && featuresAfterImport(),
            embed: o.embed,
            signal,
            out: o.json ? process.stderr : process.stdout,
          },
          printSummary,
        );
        if (run.interrupted) process.exitCode = 130;
        if (o.json) printJson({ ...first, watch: run.watch });
        else process.stdout.write(watchLine(run.watch));
      });
    });
}

/** Every finished model of the lab embeds what the import added or changed (nothing to load without a model). */
async function embedNewItems(
  lab: Lab,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
): Promise<EmbedModelResult[]> {
  if (latestModelId(lab.db) === null) return [];
  const { embedModels } = await import('../../model/embed-incremental.ts');
  return embedModels(lab, undefined, { signal, onProgress });
}

/** What a watch did, when it stops. */
function watchLine(w: WatchState): string {
  const imports = `${w.imports} ${w.imports === 1 ? 'import' : 'imports'}`;
  return `Stopped watching ${w.folder}: ${imports} since ${w.since}, ${w.changed} files added, changed or removed\n`;
}

export function printSummary(labPath: string, s: ImportSummary, out: NodeJS.WritableStream = process.stdout): void {
  out.write(
    `${s.status === 'cancelled' ? 'Import stopped' : 'Imported'} ${s.root} into ${labPath} in ${s.seconds.toFixed(1)} s\n`,
  );
  out.write(
    `  images found ${s.found}: ${s.added} new, ${s.updated} changed, ${s.duplicates} duplicates of stored content, ${s.unchanged} unchanged, ${s.missing} now missing${s.hidden ? `, ${s.hidden} hidden (nearlab duplicates --hidden)` : ''}\n`,
  );
  out.write(
    `  captions +${s.captionsAdded} −${s.captionsRemoved}, labels set ${s.labelsSet}, removed ${s.labelsRemoved}\n`,
  );
  if (s.skipped.length) {
    const files = s.skipped.reduce((n, k) => n + k.files, 0);
    out.write(`  not imported: ${files} ${files === 1 ? 'file' : 'files'}\n`);
    for (const k of s.skipped.slice(0, SHOWN_REASONS)) out.write(`    ${k.files} × ${k.reason}\n`);
    if (s.skipped.length > SHOWN_REASONS) out.write(`    … and ${s.skipped.length - SHOWN_REASONS} more reasons\n`);
  }
  for (const notice of s.notices) out.write(`  ! ${notice}\n`);
  if (s.problems.length) {
    out.write(`  ${s.errors} errors, ${s.warnings} warnings:\n`);
    for (const p of s.problems.slice(0, SHOWN_PROBLEMS)) {
      out.write(
        `    ${p.severity === 'error' ? 'error  ' : 'warning'} ${p.path}${p.line ? `:${p.line}` : ''}: ${p.reason}\n`,
      );
    }
    if (s.problems.length > SHOWN_PROBLEMS) {
      out.write(`    … and ${s.problems.length - SHOWN_PROBLEMS} more (nearlab info --json, or the Library view)\n`);
    }
  }
  if (s.status === 'cancelled') out.write('  run the same import again to finish: what is stored is kept\n');
}
