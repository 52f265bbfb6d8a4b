import type { Command } from 'commander';
import { register as importCommand } from './import.ts';
import { register as infoCommand } from './info.ts';
import { register as serveCommand } from './serve.ts';

/** Every `nearlab` command, in the order `nearlab --help` lists them. */
export const commands: readonly ((program: Command) => void)[] = [importCommand, infoCommand, serveCommand];
