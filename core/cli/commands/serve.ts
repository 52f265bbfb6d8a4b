import type { Command } from 'commander';
import { z } from 'zod';
import { openLab } from '../../store/default-lab.ts';
import { ensureRendererBuilt, rendererDir } from '../renderer-build.ts';
import { commonOptions, numberArg, parseOptions, printJson } from '../options.ts';

const serveOptions = commonOptions.extend({
  port: numberArg('--port').pipe(z.number().int().min(0).max(65535)).default(0),
});

export function register(program: Command): void {
  program
    .command('serve')
    .description('browser mode: serve the lab UI and API on 127.0.0.1, behind a random token printed in the URL')
    .option('--lab <file>', 'lab file')
    .option('--port <n>', 'port (default: any free port)')
    .option('--json', 'print one JSON object with the URL once listening')
    .action(async (raw: unknown) => {
      const o = parseOptions(serveOptions, raw);
      const staticDir = rendererDir();
      ensureRendererBuilt(staticDir);
      const lab = openLab(o.lab);
      const [{ NearlabService }, { startServer }] = await Promise.all([
        import('../../service/service.ts'),
        import('../../server/server.ts'),
      ]);
      const service = new NearlabService(lab);
      const server = await startServer({ service, staticDir, port: o.port });
      await service.watches.resume();
      if (o.json) printJson({ url: server.url, port: server.port, lab: lab.path });
      else process.stdout.write(`Nearlab is serving ${lab.path}\nOpen ${server.url}\n(Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await service.watches.close();
      service.jobManager.cancelAll();
      await service.jobManager.idle();
      await service.closeTheoryWorkers();
      await server.close();
      lab.close();
    });
}
