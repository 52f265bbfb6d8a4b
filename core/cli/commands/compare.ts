import type { Command } from 'commander';
import { z } from 'zod';
import { params, type SearchHit } from '../../api/contract.ts';
import { CliError, commonOptions, numberArg, parseOptions, printJson } from '../options.ts';
import { withService } from '../with-lab.ts';

const shape = params.compare.shape;
const compareOptions = commonOptions.extend({
  model: z.array(numberArg('--model').pipe(z.number().int().positive())).optional(),
  split: shape.split,
  k: numberArg('-k').pipe(shape.k.unwrap()).default(5),
  query: z.string().min(1).optional(),
  template: z.array(z.string().min(1)).optional(),
});

const pct = (x: number | null) => (x === null ? '    -' : `${(100 * x).toFixed(1)}%`.padStart(6));

export function register(program: Command): void {
  program
    .command('compare')
    .description('two models on the same split: per-class k-NN accuracy and recall, retrieval, zero-shot prompts')
    .option('--lab <file>', 'lab file')
    .option('--model <id>', 'a model (give it twice: --model A --model B)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .option('--split <split>', 'train, val (default) or test')
    .option('-k, --k <k>', 'neighbours for k-NN accuracy (default 5)')
    .option('--query <text>', 'a text query to see under both models')
    .option(
      '--template <t>',
      'a zero-shot template set of one template with {} (repeatable: one set each)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--json', 'print one JSON object')
    .action(async (raw: unknown) => {
      const o = parseOptions(compareOptions, raw);
      if (o.model?.length !== 2) throw new CliError('give two models: --model A --model B');
      const [modelA, modelB] = o.model;
      const r = await withService(o.lab, (call) =>
        call('compare', {
          modelA,
          modelB,
          split: o.split,
          k: o.k,
          query: o.query ? { text: o.query } : undefined,
          templateSets: o.template?.map((t) => [t]),
        }),
      );
      const hits = (list: SearchHit[]) =>
        list.map((h) => ({ item: h.itemId, path: h.path, score: h.score, label: h.label }));
      const query = r.query && {
        text: r.query.text,
        a: hits(r.query.a),
        b: hits(r.query.b),
        moved: r.query.moved.map(({ itemId, ...m }) => ({ item: itemId, ...m })),
      };
      if (o.json) return printJson({ ...r, query });
      const out = process.stdout;
      const [a, b] = r.models;
      out.write(`${r.split}, k = ${r.k}:  A = ${a.name}   B = ${b.name}\n`);
      out.write(`  k-NN accuracy  ${pct(r.knnAccuracy[0])}  ${pct(r.knnAccuracy[1])}\n`);
      if (r.recall.t2i[0] || r.recall.t2i[1])
        out.write(`  text→image R@10  ${pct(r.recall.t2i[0]?.r10 ?? null)}  ${pct(r.recall.t2i[1]?.r10 ?? null)}\n`);
      for (const [i, z] of r.zeroShot.entries()) {
        const best = ['A', 'B'].filter((_, side) => r.bestTemplates[side] === i).join('');
        out.write(
          `  zero-shot ${pct(z.accuracy[0])}  ${pct(z.accuracy[1])}  ${JSON.stringify(z.templates)}${best ? `  best for ${best}` : ''}\n`,
        );
      }
      out.write(`  per class (count, k-NN accuracy A B, text→image R@10 A B):\n`);
      for (const c of r.perClass)
        out.write(
          `    ${c.label.padEnd(24)} ${String(c.count).padStart(5)}  ${pct(c.accuracy[0])} ${pct(c.accuracy[1])}  ${pct(c.recall[0])} ${pct(c.recall[1])}\n`,
        );
      if (query)
        for (const m of query.moved)
          out.write(`  ${String(m.rankA ?? '-').padStart(3)} → ${String(m.rankB ?? '-').padEnd(3)} ${m.path}\n`);
    });
}
