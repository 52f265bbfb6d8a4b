/**
 * The whole lab at size: `npm run bench:scale [-- --items 100000 --subset 2000]` (default 10,000 items, a subset of
 * 1,000 for features and training). Generates a seeded lab folder from the Noto emoji of ../shared when present,
 * else resources/sample (`--source DIR` for another folder with captions.tsv and labels.tsv), then prints one table:
 * import beside plain sharp, features, embedding, lab size, Library page, search through HTTP, k-NN, the K curve,
 * the Map, export and peak RSS, each against its goal (scale/run.ts). `--image-size 32` trains the embedding CNN on
 * 32 px inputs (4× less work per image; d stays 128), `--keep DIR` keeps the lab and export there, and
 * `--lab DIR/scale.nearlab` measures only the use rows (Library, search, k-NN, K curve, Map, export) on such a kept lab.
 */
import { parseArgs } from 'node:util';
import { formatTable, measureExistingLab, runScaleBench } from './scale/run.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    subset: { type: 'string' },
    seed: { type: 'string', default: '1' },
    source: { type: 'string' },
    repeats: { type: 'string', default: '40' },
    'image-size': { type: 'string', default: '64' },
    keep: { type: 'string' },
    lab: { type: 'string' },
  },
});
if (values.lab) {
  const r = await measureExistingLab(values.lab, {
    repeats: Number(values.repeats),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(formatTable(r));
  process.exit(0);
}
const items = Number(values.items);
const report = await runScaleBench({
  items,
  subset: values.subset ? Number(values.subset) : Math.min(2000, Math.max(100, Math.round(items / 10))),
  seed: Number(values.seed),
  source: values.source,
  repeats: Number(values.repeats),
  imageSize: Number(values['image-size']),
  workDir: values.keep,
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(formatTable(report));
