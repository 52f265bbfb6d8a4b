// Child process for the kill -9 test: runs the feature job on a lab in batches of 2 in this thread and prints
// "done N" whenever a batch is written, so that the parent knows when to kill it.
import { Lab } from '../../../store/lab.ts';
import { DEFAULT_BACKBONE } from '../../backbones/index.ts';
import { extractFeatures } from '../extract.ts';

const lab = Lab.open(process.argv[2], { create: false });
await extractFeatures(lab, DEFAULT_BACKBONE, {
  batchSize: 2,
  threads: 0,
  onProgress: (p) => process.stdout.write(`done ${p.done}\n`),
});
process.stdout.write('finished\n');
