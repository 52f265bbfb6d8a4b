import type { Command } from 'commander';
import { z } from 'zod';
import { METRIC, params } from '../../api/contract.ts';
import { commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const curveOptions = commonOptions.extend({
  metric: METRIC.default('cosine'),
  maxK: numberArg('--max-k').pipe(params.knnCurve.shape.maxK.unwrap()).default(30),
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
});

export function register(program: Command): void {
  program
    .command('knn-curve')
    .description('KNN accuracy vs K by leave-one-out cross-validation on the labeled train items')
    .option('--lab <file>', 'lab file')
    .option('--metric <m>', 'cosine (default), euclidean, sqeuclidean or l1')
    .option('--max-k <k>', 'largest K (default 30)')
    .option('--model <id>', 'model (default: the newest)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(curveOptions, raw);
      const r = await withService(o.lab, (call) =>
        call('knnCurve', { modelId: o.model, metric: o.metric, maxK: o.maxK }),
      );
      if (o.json) return printJson({ model: r.modelId, metric: o.metric, bestK: r.bestK, points: r.points });
      process.stdout.write(`model ${r.modelId}, ${o.metric}: best K = ${r.bestK}\n`);
      for (const p of r.points)
        process.stdout.write(`  K ${String(p.k).padStart(3)}  ${(100 * p.accuracy).toFixed(1)}%\n`);
    });
}
