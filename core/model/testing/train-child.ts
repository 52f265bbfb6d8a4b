// Child process for the kill -9 tests: trains a tiny model on a fixture lab, checkpointing every step (or every
// argv[3] seconds, and after each epoch), and prints "step N" after each step so the parent knows when to kill it.
import { Lab } from '../../store/lab.ts';
import { train } from '../trainer.ts';
import { TINY_CONFIG } from './tiny-config.ts';

const lab = Lab.open(process.argv[2], { create: false });
await train(
  lab,
  { ...TINY_CONFIG, epochs: 4, checkpointSeconds: Number(process.argv[3] ?? 0) },
  {
    threads: 'local',
    prefer: 'wasm',
    onStep: (step) => process.stdout.write(`step ${step}\n`),
  },
);
process.stdout.write('done\n');
