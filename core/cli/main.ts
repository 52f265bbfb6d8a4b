import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { CliError } from './options.ts';
import { UserError } from '../util/user-error.ts';

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
    // The user's input or lab is at fault: one line and exit 1, no stack trace.
    const known = e instanceof UserError;
    const message = known ? (e as Error).message : `unexpected error: ${(e as Error).stack ?? String(e)}`;
    if (json) process.stdout.write(`${JSON.stringify({ error: { kind: (e as Error).name, message } })}\n`);
    process.stderr.write(`nearlab: ${message}\n`);
    return e instanceof CliError ? e.exitCode : known ? 1 : 2;
  }
}
