import type { Command } from 'commander';
import { register as calibrateCommand } from './calibrate.ts';
import { register as classifyCommand } from './classify.ts';
import { register as compareCommand } from './compare.ts';
import { register as duplicatesCommand } from './duplicates.ts';
import { register as embedCommand } from './embed.ts';
import { register as evalCommand } from './eval.ts';
import { register as exportCommand } from './export.ts';
import { register as featuresCommand } from './features.ts';
import { register as importCommand } from './import.ts';
import { register as indexCommand } from './index-cmd.ts';
import { register as infoCommand } from './info.ts';
import { register as itemsCommand } from './items.ts';
import { register as knnCurveCommand } from './knn-curve.ts';
import { register as modelCommand } from './model.ts';
import { register as modelsCommand } from './models.ts';
import { register as searchCommand } from './search.ts';
import { register as serveCommand } from './serve.ts';
import { register as suggestCommand } from './suggest.ts';
import { register as suspectsCommand } from './suspects.ts';
import { register as trainCommand } from './train.ts';

/**
 * Every `nearlab` command, in the order `nearlab --help` lists them. Registering them all must stay cheap: a
 * command loads its heavy modules (TF.js, sharp, the search engine, the server) inside its action, so that
 * `nearlab info` does not pay for training code at start-up.
 */
export const commands: readonly ((program: Command) => void)[] = [
  importCommand,
  infoCommand,
  itemsCommand,
  trainCommand,
  modelsCommand,
  modelCommand,
  featuresCommand,
  embedCommand,
  evalCommand,
  searchCommand,
  classifyCommand,
  knnCurveCommand,
  suggestCommand,
  calibrateCommand,
  compareCommand,
  suspectsCommand,
  duplicatesCommand,
  exportCommand,
  indexCommand,
  serveCommand,
];
