import type { Command } from 'commander';
import { z } from 'zod';
import { params, SPLIT } from '../../api/contract.ts';
import type { Results } from '../../api/contract.ts';
import { commonOptions, itemIdArg, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const listOptions = commonOptions.extend({
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  k: numberArg('-k').pipe(params.suspects.shape.k.unwrap()).default(10),
  limit: numberArg('--limit').pipe(params.suspects.shape.limit.unwrap()).default(30),
  split: SPLIT.optional(),
  includeConfirmed: z.boolean().default(false),
});

/** The list as `--json` prints it: the API's answer, items named `item` as in `nearlab search`. */
export function suspectsJson(r: Results['suspects']): object {
  return {
    model: r.modelId,
    k: r.k,
    models: r.models,
    labeled: r.labeled,
    confirmed: r.confirmed,
    suspects: r.suspects.map(({ neighbours, ...s }) => ({
      ...s,
      neighbours: neighbours.map(({ itemId: item, ...n }) => ({ item, ...n })),
    })),
  };
}

function table(r: Results['suspects']): string {
  const head = `model ${r.modelId}, k = ${r.k}: ${r.labeled} labeled items${r.confirmed > 0 ? `, ${r.confirmed} confirmed left out` : ''}`;
  if (r.suspects.length === 0) return `${head}: every label is backed by all its neighbours\n`;
  const agree = r.models.length > 1;
  const rows = r.suspects.map((s, i) => [
    String(i + 1),
    s.score.toFixed(2),
    String(s.item),
    s.label,
    s.vote === s.label ? '(tie)' : `${s.vote} ${Math.round(100 * s.pVote)}%`,
    ...(agree ? [s.agreement === null ? '—' : `${Math.round(100 * s.agreement)}%`] : []),
    `${s.path}${s.confirmed ? '  (confirmed)' : ''}`,
  ]);
  const header = ['#', 'score', 'item', 'label', 'neighbours vote', ...(agree ? ['other models'] : []), 'path'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((x, c) => (c === cells.length - 1 ? x : c < 3 ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join('  ');
  return `${head}; most suspicious first:\n${[header, ...rows].map(line).join('\n')}\n`;
}

function registerConfirm(suspects: Command, name: 'confirm' | 'unconfirm'): void {
  const confirmed = name === 'confirm';
  suspects
    .command(name)
    .description(
      confirmed
        ? 'these labels are right: the items leave the list while they keep them'
        : 'take confirmations back: the items are ranked again',
    )
    .argument('<ids...>', 'item ids')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (rawIds: string[], _raw: unknown, cmd: Command) => {
      // --lab and --json may come before the subcommand too (`nearlab suspects --lab x confirm 12`).
      const o = parseOptions(commonOptions, cmd.optsWithGlobals());
      const ids = rawIds.map(itemIdArg);
      await withService(o.lab, async (call, service) => {
        const r = await call('confirmLabels', { ids, confirmed });
        if (o.json) return printJson({ lab: service.lab.path, ...r });
        const n = ids.length;
        const what = `${r.changed} of ${n} item${n === 1 ? '' : 's'}`;
        process.stdout.write(
          confirmed
            ? `confirmed the labels of ${what}${r.changed < n ? ' (the others were confirmed already)' : ''}\n`
            : `took back the confirmations of ${what}${r.changed < n ? ' (the others had none)' : ''}\n`,
        );
      });
    });
}

/** `nearlab suspects`: labeled items whose neighbours disagree with their label, and confirming labels. */
export function register(program: Command): void {
  const suspects = program
    .command('suspects')
    .description(
      'labeled items whose neighbours disagree with their label (possibly mislabeled), most suspicious first; `suspects confirm ID...` marks labels as right',
    )
    .option('--model <id>', 'model (default: the newest with image embeddings)')
    .option('-k, --k <n>', 'neighbours that vote (default 10)')
    .option('--limit <n>', 'items listed (default 30)')
    .option('--split <split>', 'rank only items of this split (train, val or test); neighbours come from all')
    .option('--include-confirmed', 'also list items whose label was confirmed')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(listOptions, raw);
      const r = await withService(o.lab, (call) =>
        call('suspects', {
          modelId: o.model,
          k: o.k,
          limit: o.limit,
          split: o.split,
          includeConfirmed: o.includeConfirmed,
        }),
      );
      if (o.json) printJson(suspectsJson(r));
      else process.stdout.write(table(r));
    });
  registerConfirm(suspects, 'confirm');
  registerConfirm(suspects, 'unconfirm');
  for (const c of suspects.commands) c.exitOverride();
}
