import type { Command } from 'commander';
import type { Lab } from '../../store/lab.ts';
import { embeddingCounts } from '../../store/embeddings.ts';
import { getModel, listModels, type ModelSummary } from '../../store/models.ts';
import { commonOptions, parseOptions, printJson } from '../options.ts';
import { withLab } from '../with-lab.ts';

export interface ModelListing extends ModelSummary {
  /** Loss and sizes of the run, from its configuration. */
  loss: string;
  dim: number;
  imageSize: number;
  epochs: number;
  embeddings: { image: number; caption: number };
}

/** `nearlab models` on an open lab: every training run, newest first, with its validation metrics. */
export function runModels(lab: Lab): ModelListing[] {
  return listModels(lab.db).map((m) => {
    const config = getModel(lab.db, m.id).config as {
      loss?: { kind?: string; mining?: string };
      model?: { dim?: number; imageSize?: number };
      epochs?: number;
    };
    const loss =
      config.loss?.kind === 'triplet' ? `triplet/${config.loss.mining ?? 'semihard'}` : (config.loss?.kind ?? '?');
    return {
      ...m,
      loss,
      dim: config.model?.dim ?? 0,
      imageSize: config.model?.imageSize ?? 0,
      epochs: config.epochs ?? 0,
      embeddings: embeddingCounts(lab.db, m.id),
    };
  });
}

const pct = (x: number | undefined) => (x === undefined ? '    -' : `${(100 * x).toFixed(1).padStart(5)}`);

export function register(program: Command): void {
  program
    .command('models')
    .description('list the trained models of the lab with their validation metrics')
    .option('--lab <file>', 'lab file (default: $NEARLAB_LAB or the lab in your data folder)')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(commonOptions, raw);
      await withLab(o.lab, async (lab) => {
        const models = runModels(lab);
        if (o.json) {
          printJson({ lab: lab.path, models });
          return;
        }
        const out = process.stdout;
        if (models.length === 0) {
          out.write('no models yet (run `nearlab train`)\n');
          return;
        }
        out.write(
          '   id  status     loss              d  size  epochs   t2i R@1  R@5   i2t R@1  R@5   k-NN  0-shot  created\n',
        );
        for (const m of models) {
          out.write(
            `${String(m.id).padStart(5)}  ${m.status.padEnd(9)}  ${m.loss.padEnd(16)} ${String(m.dim).padStart(3)}  ${String(m.imageSize).padStart(4)}  ${`${m.epochsDone}/${m.epochs}`.padStart(6)}   ${pct(m.metrics?.t2i.r1)} ${pct(m.metrics?.t2i.r5)}    ${pct(m.metrics?.i2t.r1)} ${pct(m.metrics?.i2t.r5)}  ${pct(m.metrics?.knnAccuracy)}  ${pct(m.metrics?.zeroShotAccuracy)}   ${m.createdAt.slice(0, 16).replace('T', ' ')}\n`,
          );
        }
      });
    });
}
