import type { Command } from 'commander';
import { z } from 'zod';
import { params, type Results } from '../../api/contract.ts';
import { cancellableBySigint } from '../interrupt.ts';
import { CliError, commonOptions, LAB_HELP, numberArg, parseOptions, printJson } from '../options.ts';
import { withService, type ApiCaller } from '../with-lab.ts';

const KEPT = 'files on disk are never touched';

const id = z.coerce
  .number({ message: 'an id is a whole number above 0' })
  .pipe(z.number({ message: 'an id is a whole number above 0' }).int().positive('an id is a whole number above 0'));
const ids = z.array(id).min(1).optional();
const pair = z.array(id).length(2, 'give two item ids, e.g. --same 12 40').optional();

const duplicatesOptions = commonOptions.extend({
  model: numberArg('--model').pipe(z.number().int().positive()).optional(),
  threshold: numberArg('--threshold').pipe(params.duplicates.shape.threshold.unwrap()).optional(),
  limit: numberArg('--limit').pipe(params.duplicates.shape.limit.unwrap()).default(200),
  includeReviewed: z.boolean().default(false),
  same: pair,
  notSame: pair,
  clear: pair,
  keep: ids,
  hide: ids,
  unkeep: ids,
  hidden: z.boolean().default(false),
  unhide: ids,
});
type Options = z.infer<typeof duplicatesOptions>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function printGroups(lab: string, r: Results['duplicates']): void {
  const out = process.stdout;
  const source = {
    given: 'given',
    marks: 'fitted on your marks',
    default: 'default, from nearest-neighbour distances',
  }[r.thresholdSource];
  out.write(
    `${plural(r.groups.length, 'duplicate group')} in ${lab} under model ${r.modelId} (threshold ${r.threshold.toFixed(4)}, ${source})\n`,
  );
  if (r.fit)
    out.write(
      `  on your ${r.fit.marks.same + r.fit.marks.notSame} marks: precision ${r.fit.precision.toFixed(2)}, recall ${r.fit.recall.toFixed(2)}\n`,
    );
  for (const g of r.groups) {
    out.write(`  ${g.exact ? 'exact' : `distance ${g.distance.toFixed(4)}`}:\n`);
    for (const it of g.items)
      out.write(
        `    ${String(it.item).padStart(6)}  ${it.path}  ${it.width}×${it.height} ${it.format} ${it.bytes} B${it.kept ? '  (kept)' : ''}\n`,
      );
  }
  if (r.candidates.length > 0) {
    out.write(`pairs worth marking (nearlab duplicates --same A B / --not-same A B):\n`);
    for (const c of r.candidates)
      out.write(`  ${c.a.item} ${c.b.item}  distance ${c.distance.toFixed(4)}  ${c.a.path}  ${c.b.path}\n`);
  }
  out.write(
    `marks: ${r.marks.same} same, ${r.marks.notSame} not same; ${plural(r.hidden, 'file')} hidden (nearlab duplicates --hidden)\n`,
  );
}

/** The one thing asked for besides listing: a mark, a review, the hidden files or unhiding; null to list. */
function action(o: Options): string | null {
  const asked = [
    o.same && '--same',
    o.notSame && '--not-same',
    o.clear && '--clear',
    (o.keep || o.hide) && '--keep/--hide',
    o.unkeep && '--unkeep',
    o.hidden && '--hidden',
    o.unhide && '--unhide',
  ].filter((x): x is string => typeof x === 'string');
  if (asked.length > 1) throw new CliError(`give one of ${asked.join(', ')} at a time`);
  return asked[0] ?? null;
}

async function run(o: Options, call: ApiCaller, lab: string): Promise<void> {
  const out = process.stdout;
  const markPair = o.same ?? o.notSame ?? o.clear;
  if (markPair) {
    const same = o.same ? true : o.notSame ? false : null;
    const r = await call('markPair', { a: markPair[0], b: markPair[1], same });
    if (o.json) return printJson({ lab, a: markPair[0], b: markPair[1], same, ...r });
    const what = same === null ? 'cleared the mark of' : same ? 'marked as the same picture:' : 'marked as different:';
    out.write(
      `${what} items ${markPair[0]} and ${markPair[1]}; marks: ${r.marks.same} same, ${r.marks.notSame} not same\n`,
    );
    return;
  }
  if (o.keep || o.hide) {
    const r = await call('reviewDuplicates', { keep: o.keep ?? [], hide: o.hide ?? [] });
    if (o.json) return printJson({ lab, ...r });
    out.write(
      `kept ${plural(r.kept, 'image')}; hid ${plural(r.hidden, 'item')} from ${lab} (${KEPT}; imports skip hidden files until \`nearlab duplicates --unhide ID\`)\n`,
    );
    return;
  }
  if (o.unkeep) {
    const r = await call('unkeepDuplicates', { ids: o.unkeep });
    if (o.json) return printJson({ lab, ...r });
    out.write(`${plural(r.unkept, 'image')} no longer kept: their groups are listed again\n`);
    return;
  }
  if (o.hidden) {
    const r = await call('hiddenFiles', {});
    if (o.json) return printJson({ lab, ...r });
    if (r.files.length === 0) out.write(`no hidden files in ${lab}\n`);
    for (const f of r.files)
      out.write(`${String(f.id).padStart(6)}  ${f.root}/${f.path}  ${f.reason}  ${f.hiddenAt}\n`);
    return;
  }
  if (o.unhide) {
    const r = await call('unhideFiles', { ids: o.unhide });
    if (o.json) return printJson({ lab, ...r });
    out.write(`unhid ${plural(r.unhidden, 'file')}: the next import of their folder adds them back\n`);
    return;
  }
  const r = await call('duplicates', {
    modelId: o.model,
    threshold: o.threshold,
    limit: o.limit,
    includeReviewed: o.includeReviewed,
  });
  if (o.json) return printJson({ lab, ...r });
  printGroups(lab, r);
}

/** `nearlab duplicates`: near-duplicate groups under a model's embeddings, marks, keep / hide and hidden files. */
export function register(program: Command): void {
  program
    .command('duplicates')
    .description(`near-duplicate images (under a model's image embeddings): list, mark pairs, keep or hide (${KEPT})`)
    .option('--model <id>', 'model (default: the newest with image embeddings; backbone features count)')
    .option('--threshold <t>', 'cosine distance linking two images (default: fitted on your marks, else from the data)')
    .option('--limit <n>', 'groups listed at most (default 200)')
    .option('--include-reviewed', 'list groups whose every member was kept too')
    .option('--same <ids...>', 'mark two items as the same picture')
    .option('--not-same <ids...>', 'mark two items as different pictures')
    .option('--clear <ids...>', "forget the mark of two items' images")
    .option('--keep <ids...>', 'keep these items (their groups drop out once every member is kept)')
    .option('--unkeep <ids...>', 'undo --keep: these items are no longer kept, their groups are listed again')
    .option('--hide <ids...>', 'take these items out of the lab; imports skip their files until unhidden')
    .option('--hidden', 'list the hidden files')
    .option('--unhide <ids...>', 'forget these hidden files (ids from --hidden): the next import adds them back')
    .option('--lab <file>', LAB_HELP)
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(duplicatesOptions, raw);
      const what = action(o);
      if (what === null || what !== '--keep/--hide' || !o.hide) {
        await withService(o.lab, (call, service) => run(o, call, service.lab.path));
        return;
      }
      // Hiding removes items: it waits for an import or training on the lab (they would see the items vanish).
      const title = `hiding ${o.hide.length === 1 ? `item ${o.hide[0]}` : `${o.hide.length} items`}`;
      await cancellableBySigint('stopping: nothing hidden', (signal) =>
        withService(o.lab, (call, service) => run(o, call, service.lab.path), {
          job: { kind: 'remove', title },
          signal,
        }),
      );
    });
}
