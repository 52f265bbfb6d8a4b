#!/usr/bin/env node
// The nearlab command: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
// A reader that stops early (`nearlab … | head`) closes the pipe: stop quietly, as other command-line tools do.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv);
