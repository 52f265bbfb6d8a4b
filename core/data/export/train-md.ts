import { basename } from 'node:path';
import type { Split } from '../../api/types.ts';
import { shardPattern } from './webdataset-names.ts';

/** GPUs per node the commands assume (the user changes one number). */
export const GPUS = 4;
const MAX_BATCH = 256;

export interface TrainPlan {
  batch: number;
  workers: number;
  warmup: number;
  /** Fewer shards than GPUs: every rank needs a shard, so sampling shards with replacement is needed. */
  resampled: boolean;
}

/**
 * Flags that fit the export's size on GPUS GPUs: the largest power-of-two batch per GPU (at most 256) that still
 * gives an epoch about ten steps, data loader workers no more than the shards each GPU gets (OpenCLIP splits the
 * shards over ranks and workers), and a warm-up of a tenth of ten epochs' steps (at most 500).
 */
export function trainPlan(samples: number, shards: number, epochs = 10): TrainPlan {
  const perGpu = Math.max(1, Math.floor(samples / (GPUS * 10)));
  const batch = Math.min(MAX_BATCH, 2 ** Math.floor(Math.log2(perGpu)));
  const steps = Math.max(1, Math.floor(samples / (batch * GPUS))) * epochs;
  return {
    batch,
    workers: Math.max(1, Math.min(8, Math.floor(shards / GPUS))),
    warmup: Math.max(1, Math.min(500, Math.round(steps / 10))),
    resampled: shards < GPUS,
  };
}

export interface TrainMarkdownInput {
  dir: string;
  pattern: string;
  samples: number;
  shards: number;
  split?: Split;
}

/** TRAIN.md: what the folder holds, the OpenCLIP commands (torchrun, SLURM) and the way back into Nearlab. */
export function trainMarkdown(x: TrainMarkdownInput): string {
  const epochs = 10;
  const plan = trainPlan(x.samples, x.shards, epochs);
  const name = `nearlab-${basename(x.dir).replace(/[^\w.-]+/g, '-')}`;
  const data = shardPattern('$DATA', x.shards);
  const flags = [
    `--dataset-type webdataset`,
    `--train-data "${data}"`,
    `--train-num-samples ${x.samples}`,
    ...(plan.resampled ? ['--dataset-resampled'] : []),
    `--model ViT-B-32`,
    `--pretrained laion2b_s34b_b79k`,
    `--batch-size ${plan.batch}`,
    `--epochs ${epochs}`,
    `--lr 1e-5`,
    `--wd 0.1`,
    `--warmup ${plan.warmup}`,
    `--workers ${plan.workers}`,
    `--precision amp`,
    `--local-loss`,
    `--gather-with-grad`,
    `--save-frequency 1`,
    `--logs ./logs`,
    `--name ${name}`,
  ];
  const cont = (lines: string[]) => lines.map((l) => `    ${l}`).join(' \\\n');
  const which = x.split ? `the ${x.split} split` : 'every split (each sample’s .json says which)';
  return `# Training this export on a GPU cluster with OpenCLIP

Written by \`nearlab export --format webdataset\`: ${x.samples} image–caption samples of ${which},
in ${x.shards} shard${x.shards === 1 ? '' : 's'} of the WebDataset layout OpenCLIP reads.

| file | what |
| --- | --- |
| \`shard-NNNNNN.tar\` | samples \`KEY.jpg\` (the image), \`KEY.txt\` (its first caption), \`KEY.json\` (item id, path, label, split, all captions); KEY is the Nearlab item id, zero-padded |
| \`sizes.json\` | samples per shard (OpenCLIP reads it when \`--train-num-samples\` is left out) |
| \`train.csv\` | the same pairs for OpenCLIP's CSV loader: tab-separated, columns \`filepath\` (the original file on this machine) and \`title\` |
| \`TRAIN.md\` | this file |

The shard pattern for \`--train-data\` is \`${x.pattern}\` here. Copy the folder to the cluster
(\`rsync -a ${x.dir}/ cluster:/data/${basename(x.dir)}/\`) and set \`DATA\` to where it landed.

## 1. Install OpenCLIP (on the cluster)

\`\`\`sh
pip install 'open_clip_torch[training]'
\`\`\`

## 2. Train: one node, ${GPUS} GPUs (torchrun)

\`\`\`sh
DATA=${x.dir}   # the folder as the cluster sees it
torchrun --nproc_per_node ${GPUS} -m open_clip_train.main \\
${cont(flags)}
\`\`\`

Fine-tunes OpenAI-style ViT-B-32 from the LAION-2B weights; leave out \`--pretrained\` to train from scratch
(then use a larger \`--lr\`, e.g. 5e-4). The batch is per GPU (${plan.batch} × ${GPUS} GPUs ≈ ten steps per epoch for
${x.samples} samples); change \`--nproc_per_node\` to your GPU count and keep \`--workers\` at or below
shards ÷ GPUs (${x.shards} ÷ ${GPUS})${plan.resampled ? ': with fewer shards than GPUs `--dataset-resampled` samples shards with replacement' : ''}.
Re-export with a smaller \`--shard-size\` for more shards.

## 2b. Or several nodes (SLURM)

\`\`\`sh
#!/bin/bash
#SBATCH --nodes=2 --ntasks-per-node=${GPUS} --gpus-per-node=${GPUS} --cpus-per-task=8
export MASTER_PORT=12802
export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
DATA=${x.dir}
srun --cpu_bind=v --accel-bind=gn python -u -m open_clip_train.main \\
${cont(flags)}
\`\`\`

## 2c. Or the CSV loader (one machine that sees this machine's files)

\`\`\`sh
python -m open_clip_train.main --dataset-type csv --train-data ${x.dir}/train.csv \\
    --csv-img-key filepath --csv-caption-key title --model ViT-B-32 --pretrained laion2b_s34b_b79k \\
    --batch-size ${plan.batch} --epochs ${epochs} --lr 1e-5 --wd 0.1 --warmup ${plan.warmup}
\`\`\`

## 3. Back to Nearlab: export the checkpoint to ONNX, then add it

Checkpoints land in \`logs/${name}/checkpoints/epoch_N.pt\`. \`scripts/openclip-to-onnx.py\` (in the Nearlab
source) writes the Hugging Face layout Nearlab reads: \`onnx/vision_model.onnx\`, \`onnx/text_model.onnx\`,
\`tokenizer.json\`, \`tokenizer_config.json\`, \`preprocessor_config.json\` and \`config.json\`.

\`\`\`sh
pip install open_clip_torch torch
python scripts/openclip-to-onnx.py --model ViT-B-32 \\
    --checkpoint logs/${name}/checkpoints/epoch_${epochs}.pt --out ${name}-onnx
nearlab model add ${name}-onnx --name "ViT-B-32 trained on ${basename(x.dir)}"
\`\`\`

\`nearlab model add\` checks the folder, embeds the lab with it, and \`nearlab search --text …\` uses it.
`;
}
