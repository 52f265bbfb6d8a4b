import type { Command } from 'commander';
import type { ModelSummary } from '../../api/contract.ts';
import { z } from 'zod';
import { commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '    -' : `${(100 * x).toFixed(1).padStart(5)}`;

/** The loss column: the loss, and for triplets how negatives are mined ('-' for a model not trained here). */
const lossLabel = (m: ModelSummary) => (m.loss === null ? '-' : m.mining ? `${m.loss}/${m.mining}` : m.loss);

/** The image tower: the CNN trained from scratch, a head on a frozen backbone, the backbone's features, a CLIP. */
export function imageTowerLabel(m: Pick<ModelSummary, 'kind' | 'backbone'>): string {
  if (m.kind === 'backbone') return `${m.backbone} features`;
  if (m.kind === 'onnx-clip') return 'ONNX CLIP';
  return m.backbone === 'scratch' || m.backbone === null ? 'CNN (scratch)' : `${m.backbone} + head`;
}

const modelsOptions = commonOptions.extend({
  remove: numberArg('--remove').pipe(z.number().int().positive()).optional(),
});

export function register(program: Command): void {
  program
    .command('models')
    .description('list the trained models of the lab with their validation metrics')
    .option('--lab <file>', LAB_HELP)
    .option('--remove <id>', 'delete model <id> (one not training) with its history and embeddings')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(modelsOptions, raw);
      await withService(o.lab, async (call, service) => {
        if (o.remove !== undefined) {
          const { modelId } = await call('removeModel', { modelId: o.remove });
          if (o.json) printJson({ lab: service.lab.path, removed: modelId });
          else process.stdout.write(`removed model ${modelId} from ${service.lab.path}\n`);
          return;
        }
        const { models } = await call('models', {});
        if (o.json) {
          printJson({ lab: service.lab.path, models });
          return;
        }
        const out = process.stdout;
        if (models.length === 0) {
          out.write('no models yet (run `nearlab train`)\n');
          return;
        }
        out.write(
          '   id  status     loss             image tower                d  size  epochs   t2i R@1  R@5   i2t R@1  R@5   k-NN  0-shot  created\n',
        );
        for (const m of models) {
          out.write(
            `${String(m.id).padStart(5)}  ${m.status.padEnd(9)}  ${lossLabel(m).padEnd(16)} ${imageTowerLabel(m).padEnd(24)} ${String(m.dim).padStart(3)}  ${String(m.imageSize).padStart(4)}  ${`${m.epochsDone}/${m.epochs}`.padStart(6)}   ${pct(m.metrics?.t2i.r1)} ${pct(m.metrics?.t2i.r5)}    ${pct(m.metrics?.i2t.r1)} ${pct(m.metrics?.i2t.r5)}  ${pct(m.metrics?.knnAccuracy)}  ${pct(m.metrics?.zeroShotAccuracy)}   ${m.createdAt.slice(0, 16).replace('T', ' ')}\n`,
          );
        }
      });
    });
}
