import type { Command } from 'commander';
import { z } from 'zod';
import { cancellableBySigint } from '../interrupt.ts';
import { commonOptions, LAB_HELP, parseOptions, printJson } from '../options.ts';
import { createProgressBar } from '../progress-bar.ts';
import { withLab } from '../with-lab.ts';
import { embedLine } from './embed.ts';

const addOptions = commonOptions.extend({
  name: z.string().trim().min(1, 'give the model a name').max(200).optional(),
  embed: z.boolean().default(true),
});

export function register(program: Command): void {
  const model = program.command('model').description('models not trained here: add your own CLIP (`model add`)');
  model
    .command('add <folder>')
    .description(
      'add a CLIP exported in the Hugging Face layout (onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json, ' +
        'preprocessor_config.json) as a model of the lab, checked first, then embed the lab with it',
    )
    .option('--name <name>', "the model's name in the lab (default: the folder's name)")
    .option('--no-embed', 'do not embed the lab with it now (`nearlab embed --model ID` does it later)')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (folder: string, raw: unknown) => {
      const o = parseOptions(addOptions, raw);
      const bar = createProgressBar();
      await cancellableBySigint('stopping after the batch in flight', (signal) =>
        withLab(
          o.lab,
          async (lab) => {
            const { addOnnxModel } = await import('../../model/onnx/add.ts');
            const added = await addOnnxModel(lab, folder, { name: o.name });
            if (!o.json)
              process.stdout.write(
                `added model ${added.modelId} "${added.name}" (ONNX CLIP, ${added.dim}-d, ${added.imageSize}×${added.imageSize} ` +
                  `images, ${added.maxLength} tokens) from ${added.folder}\n`,
              );
            let embedded = null;
            if (o.embed) {
              const { embedOnnxModel } = await import('../../model/onnx/embed.ts');
              embedded = await embedOnnxModel(lab, added.modelId, { signal, onProgress: bar.update });
              bar.done();
              if (!o.json) process.stdout.write(`${embedLine(embedded)}\n`);
              if (embedded.status === 'cancelled') process.exitCode = 130;
            }
            if (o.json) printJson({ lab: lab.path, model: added, embedded });
          },
          { job: { kind: 'embed', title: `adding the model in ${folder}` }, signal },
        ),
      );
    });
}
