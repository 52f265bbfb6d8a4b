import type { Command } from 'commander';
import { z } from 'zod';
import type { EmbedModelOptions, EmbedModelResult } from '../../model/embed-incremental.ts';
import type { Lab } from '../../store/lab.ts';
import { ModelNotFoundError, resolveModelId } from '../../store/models.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { CliError, commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { createProgressBar } from '../progress-bar.ts';
import { withLab } from '../with-lab.ts';

const embedOptions = commonOptions.extend({
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  all: z.boolean().default(false),
});

/**
 * `nearlab embed` on an open lab: embeds the live images and captions that model `modelId` (default: the newest
 * finished one) has no embedding of yet, or with `all` every one again.
 */
export async function runEmbed(
  lab: Lab,
  modelId?: number,
  options: Pick<EmbedModelOptions, 'all' | 'signal' | 'onProgress'> = {},
): Promise<EmbedModelResult> {
  let id: number;
  try {
    id = resolveModelId(lab.db, modelId);
  } catch (e) {
    if (e instanceof ModelNotFoundError) throw new CliError(e.message);
    throw e;
  }
  const { embedModel, ModelNotFinishedError } = await import('../../model/embed-incremental.ts');
  try {
    return await embedModel(lab, id, options);
  } catch (e) {
    if (e instanceof ModelNotFinishedError) throw new CliError(e.message);
    throw e;
  }
}

/** One line per model: what `nearlab embed` and `nearlab import` wrote. */
export function embedLine(r: EmbedModelResult): string {
  const what = `${r.images} image${r.images === 1 ? '' : 's'} and ${r.captions} caption${r.captions === 1 ? '' : 's'}`;
  if (r.status === 'cancelled') return `model ${r.modelId}: stopped after embedding ${what} (run it again to finish)`;
  if (r.images + r.captions === 0) return `model ${r.modelId}: every image and caption already embedded`;
  return `model ${r.modelId}: embedded ${what} in ${r.seconds.toFixed(1)} s`;
}

export function register(program: Command): void {
  program
    .command('embed')
    .description(
      'embed the images and captions a model (default: the newest) has not embedded yet, and store the vectors',
    )
    .option('--lab <file>', LAB_HELP)
    .option('--model <id>', 'model id (see `nearlab models`)')
    .option('--all', 'embed every image and caption again, not only new and changed ones')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(embedOptions, raw);
      const bar = createProgressBar();
      await cancellableBySigint('stopping after the batch in flight', (signal) =>
        withLab(
          o.lab,
          async (lab) => {
            const r = await runEmbed(lab, o.model, { all: o.all, signal, onProgress: bar.update });
            bar.done();
            if (o.json) printJson(r);
            else process.stdout.write(`${embedLine(r)}\n`);
            if (r.status === 'cancelled') process.exitCode = 130;
          },
          // One writer at a time: an embed waits for an import or training on the same lab, and says so.
          {
            job: {
              kind: 'embed',
              title: o.model ? `the embedding with model ${o.model}` : 'the embedding of new items',
            },
            signal,
          },
        ),
      );
    });
}
