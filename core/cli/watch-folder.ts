import type { JobState } from '../api/contract.ts';
import type { WatchState } from '../api/curation-contract.ts';
import type { ImportSummary } from '../data/import/types.ts';
import { importRunProblems } from '../store/watch.ts';
import { createProgressBar } from './progress-bar.ts';
import { withService } from './with-lab.ts';

export interface WatchRun {
  /** The watch's state when it stopped: imports run, files they added, changed or removed, the last problems. */
  watch: WatchState;
  /** An import, features or embed job was under way when the watch stopped, and was cancelled. */
  interrupted: boolean;
}

/**
 * `nearlab import FOLDER --watch`, after the first import: watches the folder (the service's watch, as the
 * Library's switch does, without keeping the switch in the lab) until `signal` aborts (Ctrl-C) or SIGTERM,
 * printing each import's summary to `out` as it ends and the features and embed jobs that follow it.
 */
export async function watchUntilStopped(
  labPath: string | undefined,
  root: string,
  options: { features: boolean; embed: boolean; signal: AbortSignal; out: NodeJS.WritableStream },
  printSummary: (labPath: string, summary: ImportSummary, out: NodeJS.WritableStream) => void,
): Promise<WatchRun> {
  return withService(
    labPath,
    async (_call, service) => {
      const { out } = options;
      const bar = createProgressBar();
      const off = service.subscribe((e) => {
        if (e.type !== 'job') return;
        if (e.job.status === 'running') {
          if (e.job.progress) bar.update(e.job.progress);
        } else if (e.job.kind !== 'import') {
          bar.done();
          out.write(`  ${jobLine(e.job)}\n`);
        }
      });
      const report = (job: JobState) => {
        bar.done();
        const result = job.result as Omit<ImportSummary, 'problems'> | null;
        if (job.status === 'failed' || !result) out.write(`Import of ${root} failed: ${job.error ?? job.status}\n`);
        else
          printSummary(service.lab.path, { ...result, problems: importRunProblems(service.lab.db, result.runId) }, out);
      };
      await service.watches.start(root, { catchUp: false, onImport: report });
      process.stderr.write(`Watching ${root} for new, changed and deleted images (Ctrl-C stops)\n`);
      await stopped(options.signal);
      await service.watches.close();
      const interrupted = service.jobManager.list().some((j) => j.status === 'running');
      service.jobManager.cancelAll();
      await service.jobManager.idle();
      bar.done();
      off();
      return { watch: service.watches.list()[0], interrupted };
    },
    { featuresAfterImport: options.features, embedAfterImport: options.embed },
  );
}

function jobLine(job: JobState): string {
  if (job.status === 'failed') return `${job.title}: failed: ${job.error}`;
  return `${job.title}: ${job.status}`;
}

/** Resolves on the signal's abort or on SIGTERM, whichever comes first. */
function stopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGTERM', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', done, { once: true });
    process.on('SIGTERM', done);
  });
}
