import type { Command } from 'commander';
import { z } from 'zod';
import { METRIC } from '../../api/contract.ts';
import { imageFromFile } from '../image-file.ts';
import { commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const classifyOptions = commonOptions
  .extend({
    image: z.string().min(1),
    zeroShot: z.string().min(1).optional(),
    template: z.array(z.string().min(1)).optional(),
    knn: numberArg('--knn').pipe(z.number().int().min(1)).optional(),
    weights: z.enum(['uniform', 'distance']).default('uniform'),
    metric: METRIC.default('cosine'),
    model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  })
  .refine((o) => (o.zeroShot === undefined) !== (o.knn === undefined), {
    message: 'give either --zero-shot LABELS or --knn K',
  });

export function register(program: Command): void {
  program
    .command('classify')
    .description('classify an image by its nearest labeled examples (KNN) or by label prompts (zero-shot)')
    .option('--lab <file>', 'lab file')
    .requiredOption('--image <path>', 'image file to classify')
    .option('--zero-shot <labels>', 'comma-separated label names, e.g. "cat,dog,car"')
    .option(
      '--template <t>',
      'prompt template with {} for the label (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--knn <k>', 'K nearest labeled train items')
    .option('--weights <w>', 'uniform (default) or distance')
    .option('--metric <m>', 'cosine (default), euclidean, sqeuclidean or l1')
    .option('--model <id>', 'model (default: the newest)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(classifyOptions, raw);
      const image = await imageFromFile(o.image);
      const r = await withService(o.lab, (call) =>
        call('classify', {
          image,
          modelId: o.model,
          method:
            o.knn !== undefined
              ? { kind: 'knn', k: o.knn, weights: o.weights, metric: o.metric }
              : { kind: 'zero-shot', labels: o.zeroShot!.split(','), templates: o.template },
        }),
      );
      const neighbours = r.neighbours.map((n) => ({
        item: n.itemId,
        path: n.path,
        distance: n.distance,
        label: n.label,
        caption: n.caption,
      }));
      if (o.json) return printJson({ model: r.modelId, label: r.label, probabilities: r.probabilities, neighbours });
      process.stdout.write(`${r.label}\n`);
      const ranked = Object.entries(r.probabilities).sort((a, b) => b[1] - a[1]);
      for (const [name, p] of ranked.slice(0, 10))
        process.stdout.write(`  ${(100 * p).toFixed(1).padStart(5)}%  ${name}\n`);
      for (const n of neighbours)
        process.stdout.write(`  neighbour ${n.distance.toFixed(3)}  ${n.path}  [${n.label}]\n`);
    });
}
