import { Command, CommanderError } from 'commander';
import { ImportInputError } from '../data/importer.ts';
import { KnnError } from '../knn/index.ts';
import { ConfigError } from '../model/config.ts';
import { TrainingDataError } from '../model/trainer.ts';
import { SearchError } from '../search/engine.ts';
import { LabOpenError } from '../store/errors.ts';
import { ModelNotFoundError } from '../store/models.ts';
import { commands } from './commands/index.ts';
import { CliError } from './options.ts';

/** Errors caused by the user's input or lab: one line and exit 1, no stack trace. */
const USER_ERRORS = [
  CliError,
  LabOpenError,
  ImportInputError,
  SearchError,
  ModelNotFoundError,
  TrainingDataError,
  ConfigError,
  KnnError,
];

/** Runs the nearlab CLI and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('nearlab')
    .description('Nearlab: train and explore joint image–text embeddings on your own images, offline')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const add of commands) add(program);
  for (const c of program.commands) c.exitOverride();
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const known = USER_ERRORS.some((type) => e instanceof type);
    const message = known ? (e as Error).message : `unexpected error: ${(e as Error).stack ?? String(e)}`;
    if (json) process.stdout.write(`${JSON.stringify({ error: { kind: (e as Error).name, message } })}\n`);
    process.stderr.write(`nearlab: ${message}\n`);
    return e instanceof CliError ? e.exitCode : known ? 1 : 2;
  }
}
