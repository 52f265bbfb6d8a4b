import type { Command } from 'commander';
import { z } from 'zod';
import type { Progress } from '../../api/types.ts';
import { backboneInfo, backboneNames, DEFAULT_BACKBONE } from '../../model/backbones/index.ts';
import { onnxBackboneModel } from '../../model/backbones/lab-backbones.ts';
import type { ExtractResult } from '../../model/features/extract.ts';
import type { Lab } from '../../store/lab.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { createProgressBar } from '../progress-bar.ts';
import { withLab } from '../with-lab.ts';

const featureOptions = commonOptions.extend({
  backbone: z.string().min(1).default(DEFAULT_BACKBONE),
  views: numberArg('--views').pipe(z.number().int().min(1).max(2)).default(1),
});

/** A backbone's features of the lab's live images that have none yet (loads TF.js and sharp on use). */
export async function runFeatures(
  lab: Lab,
  backbone: string,
  options: { views?: number; signal?: AbortSignal; onProgress?: (p: Progress) => void },
): Promise<ExtractResult> {
  const { extractFeatures } = await import('../../model/features/extract.ts');
  return extractFeatures(lab, backbone, options);
}

/** One line: what a feature run wrote (for `nearlab features` and `nearlab import`). */
export function featuresLine(r: ExtractResult): string {
  const c = r.coverage;
  const fallback = r.fromPixels ? ` (${r.fromPixels} from the stored pixels: file gone, changed or unreadable)` : '';
  const failed = r.failed ? `; ${r.failed} failed (see nearlab info --json)` : '';
  const covered = `${c.done} of ${c.images} images have ${r.backbone} features${c.failed ? `, ${c.failed} failed` : ''}`;
  if (r.status === 'cancelled')
    return `${r.backbone}: stopped after ${r.computed} images (run it again to finish); ${covered}`;
  if (r.computed + r.failed === 0) return `${r.backbone}: every image already has features (${covered})`;
  const rate = r.seconds > 0 ? ` (${(r.computed / r.seconds).toFixed(1)} images/s)` : '';
  return `${r.backbone}: features of ${r.computed} images in ${r.seconds.toFixed(1)} s${rate}${fallback}${failed}; ${covered}`;
}

export function register(program: Command): void {
  program
    .command('features')
    .description("compute a frozen image backbone's features of the images that have none yet (import does it too)")
    .option('--lab <file>', LAB_HELP)
    .option(
      '--backbone <name>',
      `${backboneNames().join(', ')}, or onnx:<id> for your CLIP model <id> (default ${DEFAULT_BACKBONE})`,
    )
    .option('--views <n>', '1: the whole image (default); 2: also its horizontal flip')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(featureOptions, raw);
      // An unknown registry name fails here, before the lab is locked (a CLIP of the lab is checked in it).
      const name = onnxBackboneModel(o.backbone) === null ? backboneInfo(o.backbone).name : o.backbone;
      const bar = createProgressBar();
      await cancellableBySigint('stopping after the batches in flight', (signal) =>
        withLab(
          o.lab,
          async (lab) => {
            const r = await runFeatures(lab, name, { views: o.views, signal, onProgress: bar.update });
            bar.done();
            if (o.json) printJson(r);
            else process.stdout.write(`${featuresLine(r)}\n`);
            if (r.status === 'cancelled') process.exitCode = 130;
          },
          { job: { kind: 'features', title: `the ${name} features` }, signal },
        ),
      );
    });
}
