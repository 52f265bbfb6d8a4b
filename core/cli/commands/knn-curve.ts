import type { Command } from 'commander';
import { z } from 'zod';
import { commonOptions, numberArg, openLab, parseOptions, printJson } from '../options.ts';

const curveOptions = commonOptions.extend({
  metric: z.enum(['cosine', 'euclidean', 'sqeuclidean', 'l1']).default('cosine'),
  maxK: numberArg('--max-k').pipe(z.number().int().min(1).max(500)).default(30),
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
      const { SearchEngine } = await import('../../service/search/engine.ts');
      const o = parseOptions(curveOptions, raw);
      const lab = openLab(o.lab, { create: false });
      try {
        const r = new SearchEngine(lab).knnCurve({ modelId: o.model, metric: o.metric, maxK: o.maxK });
        if (o.json) return printJson({ model: r.modelId, metric: o.metric, bestK: r.bestK, points: r.points });
        process.stdout.write(`model ${r.modelId}, ${o.metric}: best K = ${r.bestK}\n`);
        for (const p of r.points)
          process.stdout.write(`  K ${String(p.k).padStart(3)}  ${(100 * p.accuracy).toFixed(1)}%\n`);
      } finally {
        lab.close();
      }
    });
}
