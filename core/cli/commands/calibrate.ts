import type { Command } from 'commander';
import { z } from 'zod';
import { params } from '../../api/contract.ts';
import { commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const shape = params.calibrate.shape;
const calibrateOptions = commonOptions
  .extend({
    text: z.string().min(1).optional(),
    label: z.string().min(1).optional(),
    precision: numberArg('--precision').pipe(shape.precision.unwrap()).default(0.9),
    split: shape.split,
    model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  })
  .refine((o) => (o.text === undefined) !== (o.label === undefined), { message: 'give either --text or --label' });

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('the score threshold of a text query (or a label) that keeps a precision on your own split')
    .option('--lab <file>', 'lab file')
    .option('--text <text>', 'a text query (a label, "a photo of a LABEL", or caption words)')
    .option('--label <name>', 'a label (its prompts are the query)')
    .option('--precision <p>', 'precision to keep, 0.05–1 (default 0.9)')
    .option('--split <split>', 'train, val (default) or test')
    .option('--model <id>', 'model (default: the newest)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(calibrateOptions, raw);
      const query = o.text !== undefined ? { text: o.text } : { label: o.label! };
      const r = await withService(o.lab, (call) =>
        call('calibrate', { modelId: o.model, query, precision: o.precision, split: o.split }),
      );
      if (o.json) {
        const { modelId, ...rest } = r;
        return printJson({ model: modelId, ...rest });
      }
      const judged =
        r.relevance === 'label' ? `items labeled ${r.label}` : 'items whose captions hold every word of the query';
      process.stdout.write(`model ${r.modelId} on ${r.split}: ${r.relevant} relevant (${judged})\n`);
      if (r.threshold === null) process.stdout.write(`  no threshold keeps precision ≥ ${pct(o.precision)}\n`);
      else
        process.stdout.write(
          `  score ≥ ${r.threshold.toFixed(4)}: precision ${pct(r.precision!)}, recall ${pct(r.recall!)}\n`,
        );
    });
}
