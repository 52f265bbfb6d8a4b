import type { Command } from 'commander';
import { z } from 'zod';
import { params } from '../../api/contract.ts';
import { commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const shape = params.suggest.shape;
const suggestOptions = commonOptions.extend({
  strategy: shape.strategy,
  method: shape.method,
  n: numberArg('-n').pipe(shape.n.unwrap()).default(20),
  k: numberArg('-k').pipe(shape.k.unwrap()).default(10),
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
});

export function register(program: Command): void {
  program
    .command('suggest')
    .description('what to label next: the unlabeled items the labeled ones are least sure of, or most unlike them')
    .option('--lab <file>', 'lab file')
    .option('--strategy <s>', 'margin (least sure first), diverse (farthest from the labeled) or mixed (default)')
    .option('--method <m>', 'who is unsure: knn (the labeled items vote, default) or zero-shot (label prompts)')
    .option('-n, --n <n>', 'items to suggest (default 20)')
    .option('-k, --k <k>', 'labeled neighbours that vote (default 10)')
    .option('--model <id>', 'model (default: the newest)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(suggestOptions, raw);
      const r = await withService(o.lab, (call) =>
        call('suggest', { modelId: o.model, strategy: o.strategy, method: o.method, n: o.n, k: o.k }),
      );
      if (o.json) {
        const { modelId, ...rest } = r;
        return printJson({ model: modelId, ...rest });
      }
      process.stdout.write(
        `model ${r.modelId}: ${r.labeled} labeled, ${r.unlabeled} unlabeled; ${r.strategy} by ${r.method}\n`,
      );
      for (const [i, s] of r.items.entries()) {
        const margin = s.margin === null ? '' : `  margin ${s.margin.toFixed(2)}`;
        process.stdout.write(
          `${String(i + 1).padStart(3)}  ${s.score.toFixed(3)}  ${s.reason.padEnd(7)}  ${s.path}` +
            `${s.suggested ? `  → ${s.suggested}?` : ''}${margin}\n`,
        );
      }
    });
}
