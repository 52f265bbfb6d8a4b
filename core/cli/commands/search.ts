import type { Command } from 'commander';
import { z } from 'zod';
import { params, SPLIT, type Params } from '../../api/contract.ts';
import { imageFromFile } from '../image-file.ts';
import { CliError, commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const searchOptions = commonOptions
  .extend({
    text: z.string().min(1).optional(),
    image: z.string().min(1).optional(),
    query: z.string().min(1).optional(),
    k: numberArg('-k').pipe(params.search.shape.k.unwrap()).default(10),
    target: params.search.shape.target,
    model: numberArg('--model').pipe(z.number().int().positive()).optional(),
    label: z.string().optional(),
    split: SPLIT.optional(),
    folder: z.string().optional(),
    embeddingOnly: z.boolean().default(false),
  })
  .refine((o) => [o.text, o.image, o.query].filter(Boolean).length === 1, {
    message: 'give exactly one of --text, --image or --query',
  })
  .refine((o) => !o.embeddingOnly || o.text, {
    message: '--embedding-only goes with --text (image and --query searches use the embedding only)',
  });

export function register(program: Command): void {
  program
    .command('search')
    .description('text→image, image→image or image→text search with a trained model')
    .option('--lab <file>', 'lab file')
    .option('--text <text>', 'find images matching this text')
    .option('--image <path>', 'find images (or captions, with --target caption) similar to this image file')
    .option('--query <expr>', 'query arithmetic, e.g. \'2:"red apple" + ./photo.png - "green"\'')
    .option('-k, --k <n>', 'results (default 10)')
    .option('--target <kind>', 'image (default) or caption (image→text)')
    .option('--model <id>', 'model (default: the newest)')
    .option('--label <name>', 'only items with this label')
    .option('--split <split>', 'only items of this split')
    .option('--folder <path>', 'only items under this folder (relative to the import root)')
    .option('--embedding-only', 'rank --text results by the embedding alone, without caption keyword matches')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(searchOptions, raw);
      const query: Params<'search'>['query'] = o.text
        ? { text: o.text }
        : o.image
          ? { image: await imageFromFile(o.image) }
          : { expression: o.query! };
      const r = await withService(
        o.lab,
        (call) =>
          call('search', {
            query,
            k: o.k,
            target: o.image && o.target === 'caption' ? 'caption' : o.target,
            modelId: o.model,
            filters: { label: o.label, split: o.split, folder: o.folder },
            mode: o.embeddingOnly ? 'embedding' : 'hybrid',
          }),
        { allowFiles: true },
      );
      const results = r.results.map((h) => ({
        item: h.itemId,
        path: h.path,
        score: h.score,
        label: h.label,
        ...(h.caption !== undefined ? { caption: h.caption } : {}),
        ...(h.keywordRank !== undefined ? { keywordRank: h.keywordRank, matched: h.matched ?? [] } : {}),
      }));
      if (o.json) return printJson({ model: r.modelId, weakMatch: r.weakMatch, results });
      if (!results.length) throw new CliError('no results (do the filters leave any item?)');
      if (r.weakMatch)
        process.stderr.write(
          'note: weak match: even the best result fits this query less well than most of your captions fit their images\n',
        );
      for (const [i, h] of results.entries()) {
        process.stdout.write(
          `${String(i + 1).padStart(3)}  ${h.score.toFixed(3)}  ${h.path}${h.caption ? `  “${h.caption}”` : ''}${h.label ? `  [${h.label}]` : ''}${h.keywordRank ? `  (keyword match #${h.keywordRank})` : ''}\n`,
        );
      }
    });
}
