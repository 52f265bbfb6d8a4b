import type { Command } from 'commander';
import { z } from 'zod';
import { ANN_MIN_ROWS } from '../../knn/index.ts';
import { commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withLab } from '../with-lab.ts';

const indexOptions = commonOptions.extend({
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  threshold: numberArg('--threshold').pipe(z.number().int().min(1)).default(ANN_MIN_ROWS),
});

export function register(program: Command): void {
  program
    .command('index')
    .description("build (or check) a model's ANN index and measure its recall@10 against exact search")
    .option('--lab <file>', 'lab file')
    .option('--model <id>', 'model (default: the newest)')
    .option('--threshold <rows>', `use the index from this many gallery rows on (default ${ANN_MIN_ROWS})`)
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const { GalleryCache, indexPath } = await import('../../service/search/gallery.ts');
      const o = parseOptions(indexOptions, raw);
      await withLab(o.lab, async (lab) => {
        const galleries = new GalleryCache(lab, o.threshold);
        const modelId = galleries.modelId(o.model);
        const r = galleries.indexReport(modelId);
        const path = r.method === 'ann' ? indexPath(lab, modelId, 'image') : null;
        if (o.json) return printJson({ model: modelId, ...r, path });
        if (r.method === 'exact') {
          process.stdout.write(
            `model ${modelId}: ${r.rows} images, below the index threshold (${o.threshold}): exact search\n`,
          );
        } else {
          process.stdout.write(
            `model ${modelId}: ${r.rows} images, ANN index ${path}, recall@10 ${r.recallAt10!.toFixed(3)}\n`,
          );
        }
      });
    });
}
