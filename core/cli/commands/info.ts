import type { Command } from 'commander';
import { commonOptions, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

export function register(program: Command): void {
  program
    .command('info')
    .description('counts of items, captions, labels per class, splits and import errors')
    .option('--lab <file>', 'lab file')
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(commonOptions, raw);
      await withService(o.lab, async (call) => {
        const info = await call('info', {});
        if (o.json) {
          printJson(info);
          return;
        }
        const out = process.stdout;
        out.write(`${info.lab}\n`);
        out.write(
          `  items ${info.items} (${info.images} distinct images), captions ${info.captions}, missing files ${info.missing}\n`,
        );
        out.write(`  splits: train ${info.splits.train}, val ${info.splits.val}, test ${info.splits.test}\n`);
        const classes = Object.entries(info.labels);
        out.write(
          `  labels: ${classes.length} classes${info.numericLabels ? `, ${info.numericLabels} numeric` : ''}, ${info.unlabeled} unlabeled\n`,
        );
        for (const [name, n] of classes) out.write(`    ${String(n).padStart(7)}  ${name}\n`);
        out.write(`  last import: ${info.errors} errors, ${info.warnings} warnings\n`);
        for (const [backbone, c] of Object.entries(info.features)) {
          out.write(
            `  features ${backbone}: ${c.done} of ${c.images} images${c.failed ? `, ${c.failed} failed` : ''}\n`,
          );
        }
      });
    });
}
