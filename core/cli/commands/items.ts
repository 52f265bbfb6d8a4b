import type { Command } from 'commander';
import { z } from 'zod';
import type { ItemDetail, ItemEdit } from '../../api/contract.ts';
import { SPLIT } from '../../api/contract.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { CliError, commonOptions, itemIdArg, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const KEPT = 'their files are kept on disk';

const removeOptions = commonOptions.extend({ folder: z.string().min(1).optional() });

const editOptions = commonOptions.extend({
  split: SPLIT.optional(),
  /** A string, or false for --no-label. */
  label: z.union([z.string().trim().min(1, 'give a label, or --no-label for none'), z.literal(false)]).optional(),
  value: numberArg('--value').optional(),
  caption: z.array(z.string().trim().min(1, 'a caption cannot be empty')).optional(),
  /** False for --no-captions. */
  captions: z.boolean().default(true),
});

const quote = (v: string | number | null) =>
  v === null ? '(none)' : typeof v === 'number' ? String(v) : JSON.stringify(v);

/** "2025-01-31 12:03  #4  label    \"cat\" → \"pet\"  (undone 2025-01-31 12:05)" */
export function historyLine(e: ItemEdit, showUndone = true): string {
  const time = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  const what = e.field === 'removed' ? `${e.before} taken out of the lab` : `${quote(e.before)} → ${quote(e.after)}`;
  const undone = showUndone && e.undoneAt ? `  (undone ${time(e.undoneAt)})` : '';
  return `${time(e.at)}  #${e.change}  ${e.field.padEnd(7)}  ${what}${undone}`;
}

function itemLines(item: ItemDetail): string {
  const label = item.label ?? item.value ?? '(none)';
  const captions = item.captions.length > 0 ? item.captions.map((c) => `\n  ${JSON.stringify(c)}`).join('') : ' (none)';
  return `item ${item.id} ${item.root}/${item.path}: split ${item.split}, label ${label}; captions:${captions}\n`;
}

function registerRemove(items: Command): void {
  items
    .command('remove')
    .description(`take items, or a whole imported folder, out of the lab (${KEPT})`)
    .argument('[ids...]', 'item ids (the Library and `nearlab search` show them)')
    .option('--folder <path>', 'remove this imported folder and all its items')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (rawIds: string[], raw: unknown) => {
      const o = parseOptions(removeOptions, raw);
      if ((o.folder === undefined) === (rawIds.length === 0))
        throw new CliError(
          'give item ids or --folder PATH (not both): nearlab items remove 12 40, or nearlab items remove --folder /photos',
        );
      const ids = rawIds.map(itemIdArg);
      const title = o.folder
        ? `the removal of the folder ${o.folder}`
        : `the removal of ${ids.length === 1 ? `item ${ids[0]}` : `${ids.length} items`}`;
      await cancellableBySigint('stopping: nothing removed', (signal) =>
        withService(
          o.lab,
          async (call, service) => {
            const lab = service.lab.path;
            if (o.folder !== undefined) {
              const r = await call('removeFolder', { root: o.folder });
              if (o.json) printJson({ lab, ...r });
              else
                process.stdout.write(
                  `removed the folder ${r.root} and its ${r.removed} item${r.removed === 1 ? '' : 's'} from ${lab}; ${KEPT}, and \`nearlab import ${r.root}\` adds them back\n`,
                );
              return;
            }
            const r = await call('removeItems', { ids });
            const [files, their] = r.removed === 1 ? ['its file is', 'its'] : ['their files are', 'their'];
            if (o.json) printJson({ lab, ...r });
            else
              process.stdout.write(
                `removed ${r.removed} item${r.removed === 1 ? '' : 's'} from ${lab}; ${files} kept on disk, and a later import of ${their} folder adds ${r.removed === 1 ? 'it' : 'them'} back\n`,
              );
          },
          // Removing waits for an import or training on the lab (they would see the items vanish), and says so.
          { job: { kind: 'remove', title }, signal },
        ),
      );
    });
}

function registerEdit(items: Command): void {
  items
    .command('edit')
    .description("change an item's split, label or captions (kept in its history: `nearlab items undo ID` reverts)")
    .argument('<id>', 'item id')
    .option('--split <split>', 'train, val or test')
    .option('--label <label>', 'category label')
    .option('--no-label', 'no label')
    .option('--value <number>', 'numeric label (regression labs)')
    .option(
      '--caption <text>',
      'a caption; repeat it for several: the item gets exactly these',
      (t: string, all: string[] = []) => [...all, t],
    )
    .option('--no-captions', 'remove every caption of the item')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (rawId: string, raw: unknown) => {
      const id = itemIdArg(rawId);
      const o = parseOptions(editOptions, raw);
      if (o.label !== undefined && o.value !== undefined) throw new CliError('give --label or --value, not both');
      if (o.caption && !o.captions) throw new CliError('give --caption or --no-captions, not both');
      const label = o.value ?? (o.label === false ? null : o.label);
      const captions = o.captions ? o.caption : [];
      if (o.split === undefined && label === undefined && captions === undefined)
        throw new CliError('nothing to change: give --split, --label, --no-label, --value, --caption or --no-captions');
      await withService(o.lab, async (call, service) => {
        const before = (await call('itemHistory', { id })).entries.length;
        const item = await call('editItem', { id, split: o.split, label, captions });
        const changes = item.history.slice(before);
        if (o.json) {
          printJson({ lab: service.lab.path, item, changes });
          return;
        }
        const out = process.stdout;
        if (changes.length === 0) out.write(`item ${id} already is as asked: nothing changed\n`);
        else for (const e of changes) out.write(`${historyLine(e)}\n`);
        out.write(itemLines(item));
      });
    });
}

function registerHistory(items: Command): void {
  items
    .command('history')
    .description('what was changed on an item by hand, oldest first')
    .argument('<id>', 'item id')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (rawId: string, raw: unknown) => {
      const id = itemIdArg(rawId);
      const o = parseOptions(commonOptions, raw);
      await withService(o.lab, async (call, service) => {
        const { entries } = await call('itemHistory', { id });
        if (o.json) printJson({ lab: service.lab.path, id, entries });
        else if (entries.length === 0) process.stdout.write(`item ${id} has not been changed by hand\n`);
        else for (const e of entries) process.stdout.write(`${historyLine(e)}\n`);
      });
    });
}

function registerUndo(items: Command): void {
  items
    .command('undo')
    .description("revert an item's latest change (everything one edit changed); again for the one before")
    .argument('<id>', 'item id')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (rawId: string, raw: unknown) => {
      const id = itemIdArg(rawId);
      const o = parseOptions(commonOptions, raw);
      await withService(o.lab, async (call, service) => {
        const r = await call('undoItemEdit', { id });
        if (o.json) printJson({ lab: service.lab.path, ...r });
        else if (r.undone.length === 0) process.stdout.write(`item ${id} has no change left to undo\n`);
        else {
          for (const e of r.undone) process.stdout.write(`undid ${historyLine(e, false)}\n`);
          process.stdout.write(itemLines(r.item));
        }
      });
    });
}

/** `nearlab items …`: a way out of mistakes — edit, undo, look at the history, remove. */
export function register(program: Command): void {
  const items = program
    .command('items')
    .description(
      "fix mistakes: edit an item's captions, label and split, undo, or remove items or a folder from the lab",
    );
  for (const add of [registerEdit, registerHistory, registerUndo, registerRemove]) add(items);
  for (const c of items.commands) c.exitOverride();
}
