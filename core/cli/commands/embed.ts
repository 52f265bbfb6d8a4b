import type { Command } from 'commander';
import { z } from 'zod';
import type { EmbedLabResult } from '../../model/embed.ts';
import type { Lab } from '../../store/lab.ts';
import { ModelNotFoundError, resolveModelId } from '../../store/models.ts';
import { CliError, commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withLab } from '../with-lab.ts';

const embedOptions = commonOptions.extend({
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
});

/** `nearlab embed` on an open lab: (re)computes and stores every live image's and caption's embedding. */
export async function runEmbed(lab: Lab, modelId?: number): Promise<EmbedLabResult & { modelId: number }> {
  let id: number;
  try {
    id = resolveModelId(lab.db, modelId);
  } catch (e) {
    if (e instanceof ModelNotFoundError) throw new CliError(e.message);
    throw e;
  }
  const { embedLab } = await import('../../model/embed.ts');
  return { modelId: id, ...(await embedLab(lab, id)) };
}

export function register(program: Command): void {
  program
    .command('embed')
    .description('embed every image and caption of the lab with a model (default: the newest) and store the vectors')
    .option('--lab <file>', 'lab file (default: $NEARLAB_LAB or the lab in your data folder)')
    .option('--model <id>', 'model id (see `nearlab models`)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(embedOptions, raw);
      await withLab(o.lab, async (lab) => {
        const r = await runEmbed(lab, o.model);
        if (o.json) printJson(r);
        else
          process.stdout.write(
            `model ${r.modelId}: embedded ${r.images} images and ${r.captions} captions in ${r.seconds.toFixed(1)} s\n`,
          );
      });
    });
}
