import type { Command } from 'commander';
import { z } from 'zod';
import { params, SPLIT } from '../../api/contract.ts';
import { commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const evalOptions = commonOptions.extend({
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  split: SPLIT.default('test'),
  k: numberArg('--k').pipe(params.evaluate.shape.k.unwrap()).default(5),
  baseline: z.boolean().default(false),
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function register(program: Command): void {
  program
    .command('eval')
    .description('retrieval (and, with labels, zero-shot and k-NN) accuracy of a model on a split')
    .option('--lab <file>', LAB_HELP)
    .option('--model <id>', 'model id (default: the newest finished model)')
    .option('--split <split>', 'train, val or test (default test)')
    .option('--k <k>', 'neighbours for k-NN accuracy (default 5)')
    .option('--baseline', 'also report k-NN accuracy on raw pixels')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(evalOptions, raw);
      const r = await withService(o.lab, (call) =>
        call('evaluate', { modelId: o.model, split: o.split, k: o.k, baseline: o.baseline }),
      );
      if (o.json) {
        printJson(r);
        return;
      }
      const out = process.stdout;
      out.write(`model ${r.modelId} on ${r.split}: ${r.images} images, ${r.captions} captions\n`);
      if (r.t2i)
        out.write(
          `  text→image  R@1 ${pct(r.t2i.r1)}  R@5 ${pct(r.t2i.r5)}  R@10 ${pct(r.t2i.r10)}  median rank ${r.t2i.medianRank}\n`,
        );
      if (r.i2t)
        out.write(
          `  image→text  R@1 ${pct(r.i2t.r1)}  R@5 ${pct(r.i2t.r5)}  R@10 ${pct(r.i2t.r10)}  median rank ${r.i2t.medianRank}\n`,
        );
      if (r.unavailable) out.write(`  ${r.unavailable}\n`);
      if (r.zeroShotAccuracy !== null)
        out.write(`  zero-shot accuracy (${r.classes} label prompts)  ${pct(r.zeroShotAccuracy)}\n`);
      if (r.knnAccuracy !== null) out.write(`  k-NN accuracy (k=${r.k}, train gallery)  ${pct(r.knnAccuracy)}\n`);
      if (r.rawPixelKnnAccuracy !== null) out.write(`  k-NN accuracy on raw pixels  ${pct(r.rawPixelKnnAccuracy)}\n`);
    });
}
