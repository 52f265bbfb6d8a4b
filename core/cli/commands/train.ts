import type { Command } from 'commander';
import { z } from 'zod';
import { LOSS } from '../../api/contract.ts';
import { backboneNames } from '../../model/backbones/index.ts';
import {
  DEFAULT_TRAIN_BACKBONE,
  resolveConfig,
  SCRATCH,
  type DeepPartial,
  type TrainConfig,
} from '../../model/config.ts';
import { trainingReadiness } from '../../model/readiness.ts';
import { labBackboneLookup } from '../../model/backbones/lab-backbones.ts';
import { readModelConfig } from '../../model/stored.ts';
import type { Progress } from '../../api/types.ts';
import type { TrainProgress } from '../../model/progress.ts';
import type { TrainResult } from '../../model/trainer.ts';
import type { Lab } from '../../store/lab.ts';
import { resumableModels } from '../../store/models.ts';
import { UserError } from '../../util/user-error.ts';
import { createProgressBar } from '../progress-bar.ts';
import { CliError, commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { withLab } from '../with-lab.ts';

const intArg = (label: string, min: number) => numberArg(label).pipe(z.number().int().min(min));

const trainOptions = commonOptions.extend({
  loss: LOSS.optional(),
  mining: z.enum(['all', 'hardest', 'semihard']).optional(),
  margin: numberArg('--margin').pipe(z.number().positive()).optional(),
  epochs: intArg('--epochs', 1).optional(),
  batch: intArg('--batch', 2).optional(),
  dim: intArg('--dim', 2).optional(),
  imageSize: intArg('--image-size', 16).optional(),
  lr: numberArg('--lr').pipe(z.number().positive().lt(1)).optional(),
  seed: numberArg('--seed').pipe(z.number().int()).optional(),
  workers: intArg('--workers', 1).optional(),
  supervised: z.boolean().default(false),
  labelPrompts: z.boolean().default(true),
  initFrom: intArg('--init-from', 1).optional(),
  resume: z.union([z.literal(true), intArg('--resume', 1)]).optional(),
  backbone: z.string().min(1).optional(),
});

export type TrainCommandOptions = z.infer<typeof trainOptions>;

/** Settings from the command line (only those given; the rest are the defaults). */
export function configFromOptions(o: TrainCommandOptions): DeepPartial<TrainConfig> {
  const c: DeepPartial<TrainConfig> = {};
  if (o.loss || o.mining || o.margin) c.loss = { kind: o.loss ?? 'npair', mining: o.mining, margin: o.margin };
  if (o.epochs !== undefined) c.epochs = o.epochs;
  if (o.batch !== undefined) c.batchSize = o.batch;
  if (o.lr !== undefined) c.lr = o.lr;
  if (o.seed !== undefined) c.seed = o.seed;
  if (o.workers !== undefined) c.workers = o.workers;
  if (o.initFrom !== undefined) c.initFrom = o.initFrom;
  c.supervised = o.supervised;
  c.labelPrompts = o.labelPrompts;
  if (o.dim !== undefined || o.imageSize !== undefined || o.backbone !== undefined)
    c.model = { dim: o.dim, imageSize: o.imageSize, backbone: o.backbone };
  return c;
}

function pct(x: number | undefined): string {
  return x === undefined ? '-' : `${(100 * x).toFixed(1)}%`;
}

/** One human line per finished epoch. */
export function epochLine(p: TrainProgress): string {
  const m = p.metrics;
  const val = m
    ? `  val t2i R@1 ${pct(m.t2i.r1)} R@5 ${pct(m.t2i.r5)}  i2t R@1 ${pct(m.i2t.r1)} R@5 ${pct(m.i2t.r5)}`
    : '';
  return `epoch ${p.epoch}/${p.epochs}  loss ${p.loss?.toFixed(4) ?? '-'}  ${p.samplesPerSec.toFixed(1)} samples/s${val}`;
}

/** What the lab's train split lacks for a run of `config`, as warning lines (its errors stop the run itself). */
function readinessWarnings(lab: Lab, config: TrainConfig): string[] {
  return trainingReadiness(lab.db, config)
    .problems.filter((p) => p.severity === 'warning')
    .map((p) => `warning: ${p.message}\n`);
}

/**
 * `nearlab train` on an open lab: trains (or resumes) and reports. Progress goes to stderr; with
 * `json` the result is one JSON object on stdout. SIGINT cancels at the next step (checkpointed).
 */
export async function runTrain(lab: Lab, o: TrainCommandOptions, signal?: AbortSignal): Promise<TrainResult> {
  let resume: number | undefined;
  if (o.resume === true) {
    const candidates = resumableModels(lab.db);
    if (candidates.length === 0) throw new CliError('no cancelled or interrupted training run to resume in this lab');
    resume = candidates[0].id;
  } else if (typeof o.resume === 'number') resume = o.resume;
  if (resume === undefined) {
    const waiting = resumableModels(lab.db);
    if (waiting.length > 0) {
      process.stderr.write(
        `note: model ${waiting[0].id} stopped before finishing; \`nearlab train --resume\` continues it\n`,
      );
    }
  }
  const bar = createProgressBar();
  // Said once the run has started (a run refused says why instead).
  let warnings: string[] = [];
  const onProgress = (p: TrainProgress) => {
    if (warnings.length > 0) {
      bar.done();
      process.stderr.write(warnings.splice(0).join(''));
    }
    if (p.phase === 'training' && p.metrics !== undefined) {
      bar.done();
      process.stderr.write(`${epochLine({ ...p, epoch: p.epoch })}\n`);
      return;
    }
    const phase =
      p.phase === 'training'
        ? `model ${p.modelId} epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss?.toFixed(3) ?? '-'}`
        : p.phase;
    bar.update({ phase, done: p.step, total: p.totalSteps, rate: p.samplesPerSec, etaSeconds: p.etaSeconds });
  };
  // Loaded on use: training pulls in TF.js, which every other command would pay for at start-up.
  const { train, TrainingError } = await import('../../model/index.ts');
  try {
    // A resumed run keeps its settings but the number of epochs asked for (a finished one needs it: more epochs).
    const partial = resume === undefined ? configFromOptions(o) : { epochs: o.epochs };
    warnings = readinessWarnings(
      lab,
      resume === undefined ? resolveConfig(partial, labBackboneLookup(lab.db)) : readModelConfig(lab.db, resume),
    );
    const onFeatureProgress = (p: Progress) => bar.update(p);
    const result = await train(lab, partial, { resume, signal, onProgress, onFeatureProgress });
    bar.done();
    return result;
  } catch (e) {
    bar.done();
    if (e instanceof UserError || e instanceof TrainingError) throw new CliError(e.message);
    throw e;
  }
}

/** How a waiting job names this run: "the training of model 3", "a new training run". */
function trainingTitle(o: TrainCommandOptions): string {
  if (typeof o.resume === 'number') return `the training of model ${o.resume}`;
  return o.resume ? 'a resumed training run' : 'a new training run';
}

export function printTrainResult(r: TrainResult, json: boolean): void {
  if (json) {
    printJson(r);
    return;
  }
  const out = process.stdout;
  if (r.status === 'cancelled') {
    out.write(
      `model ${r.modelId}: cancelled after ${r.epochs.length} epochs; \`nearlab train --resume ${r.modelId}\` continues it\n`,
    );
    return;
  }
  out.write(
    `model ${r.modelId}: trained ${r.epochs.length} epochs in ${r.seconds.toFixed(0)} s (${r.samplesPerSec.toFixed(1)} samples/s, ${r.backend})\n`,
  );
  const m = r.metrics;
  if (m) {
    out.write(
      `  val text→image  R@1 ${pct(m.t2i.r1)}  R@5 ${pct(m.t2i.r5)}  R@10 ${pct(m.t2i.r10)}  median rank ${m.t2i.medianRank}\n`,
    );
    out.write(
      `  val image→text  R@1 ${pct(m.i2t.r1)}  R@5 ${pct(m.i2t.r5)}  R@10 ${pct(m.i2t.r10)}  median rank ${m.i2t.medianRank}\n`,
    );
    if (m.knnAccuracy !== undefined || m.zeroShotAccuracy !== undefined)
      out.write(`  val k-NN (k = 5) accuracy ${pct(m.knnAccuracy)}  zero-shot accuracy ${pct(m.zeroShotAccuracy)}\n`);
  }
  out.write(`  embedded ${r.embedded.images} images and ${r.embedded.captions} captions\n`);
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train an image–text dual encoder on the lab (train split; val metrics every epoch)')
    .option('--lab <file>', LAB_HELP)
    .option('--loss <loss>', 'npair (default, CLIP-style InfoNCE), triplet or contrastive')
    .option('--mining <mining>', 'triplet negatives: semihard (default), hardest or all')
    .option('--margin <m>', 'margin on squared distances (triplet 0.2, contrastive 1)')
    .option('--epochs <n>', 'passes over the train split (default 10 on a backbone, 20 from scratch)')
    .option('--batch <b>', 'batch size (default 128 on a backbone, 64 from scratch)')
    .option('--dim <d>', 'embedding dimension (default 128)')
    .option('--image-size <s>', 'the CNN from scratch: input size in pixels, a multiple of 16 (default 64)')
    .option('--lr <x>', 'peak learning rate of AdamW (default 0.004 on a backbone, 0.002 from scratch)')
    .option('--seed <n>', 'random seed: the same seed gives the same model (default 1)')
    .option('--workers <n>', 'worker threads, each training on part of every batch (default 2)')
    .option('--supervised', 'treat images with the same label as positives')
    .option('--no-label-prompts', 'do not add "a photo of a {label}" captions')
    .option('--init-from <id>', 'start from the weights of model <id> (same sizes)')
    .option(
      '--backbone <name>',
      `image tower: ${[SCRATCH, ...backboneNames()].join(', ')} or onnx:<id>, the image tower of your CLIP model <id> (a trained head on a frozen backbone's features; scratch: the CNN) (default ${DEFAULT_TRAIN_BACKBONE})`,
    )
    .option(
      '--resume [id]',
      'continue a stopped run (default: the latest) from its last checkpoint, else from the start; or a finished run <id> from its final weights up to --epochs in total',
    )
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(trainOptions, raw);
      await cancellableBySigint('stopping after this step and saving a checkpoint', (signal) =>
        withLab(
          o.lab,
          async (lab) => {
            const r = await runTrain(lab, o, signal);
            printTrainResult(r, o.json);
            if (r.status === 'cancelled') process.exitCode = 130;
          },
          { job: { kind: 'train', title: trainingTitle(o) }, signal },
        ),
      );
    });
}
