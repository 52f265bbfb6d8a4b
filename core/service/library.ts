import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers } from '../api/contract.ts';
import { labInfo } from '../store/info.ts';
import { listItems } from '../store/items.ts';
import { latestImportProblems } from '../store/problems.ts';
import type { ImportOptions } from '../data/import/types.ts';
import type { ServiceContext } from './context.ts';
import { featuresAfterImport } from '../model/features/after-import.ts';
import { embedWhenBehind } from './embedding.ts';
import { featuresWhenBehind } from './features.ts';
import { fullItemDetail } from './item-edits.ts';

/** resources/sample; the packaged app sets NEARLAB_SAMPLE_DIR to its unpacked copy. */
export const SAMPLE_FOLDER =
  process.env.NEARLAB_SAMPLE_DIR || fileURLToPath(new URL('../../resources/sample', import.meta.url));

export type LibraryApi = Pick<
  ApiHandlers,
  'info' | 'listItems' | 'item' | 'importProblems' | 'startImport' | 'sampleFolder' | 'jobs' | 'cancelJob'
>;

/** What follows a finished import: a features job (default: featuresAfterImport()) and an embed job (default on). */
export interface AfterImport {
  featuresAfterImport?: boolean;
  embedAfterImport?: boolean;
}

/**
 * The Library: what the lab holds, its import problems, and import jobs. A finished import queues a features job
 * for the default backbone (unless `featuresAfterImport` is false), then an embed job when models are behind.
 */
export function libraryHandlers(ctx: ServiceContext, options: AfterImport = {}): LibraryApi {
  const db = ctx.lab.db;
  return {
    info: async () => ({ lab: ctx.lab.path, ...labInfo(db) }),
    listItems: async (p) => listItems(db, p),
    item: async (p) => fullItemDetail(db, p.id),
    importProblems: async (p) => latestImportProblems(db, p.limit),
    startImport: async (p) => ({ jobId: startImportJob(ctx, p, options) }),
    sampleFolder: async () => ({ path: SAMPLE_FOLDER, exists: existsSync(SAMPLE_FOLDER) }),
    jobs: async () => ({ jobs: ctx.jobs.list() }),
    cancelJob: async (p) => ({ cancelled: ctx.jobs.cancel(p.jobId) }),
  };
}

/**
 * Queues the import of a folder as a job (see JobManager); once it ends, galleries are refreshed and, when it
 * finished, the new and changed items get the default backbone's features, then get embedded. `onEnd` runs
 * after that, whatever the outcome (the job's state tells it).
 */
export function startImportJob(
  ctx: ServiceContext,
  p: ImportOptions & { folder: string },
  options: AfterImport = {},
  title = `Import ${resolve(p.folder)}`,
  onEnd?: () => void,
): string {
  const folder = resolve(p.folder);
  let finished = false;
  return ctx.jobs.start(
    'import',
    title,
    async ({ signal, progress }) => {
      // Loaded on use, like every heavy module of the service (sharp here), so that light calls start fast.
      const { importFolder } = await import('../data/import/import-folder.ts');
      const summary = await importFolder(ctx.lab, folder, { ...p, signal, onProgress: progress });
      finished = summary.status === 'done';
      const { problems: _problems, ...counts } = summary;
      return counts;
    },
    () => {
      // Changed and missing items change what galleries hold; new and changed items get the default backbone's
      // features, then get embedded.
      ctx.search.cache.invalidate();
      ctx.emit({ type: 'lab-changed' });
      if (finished && (options.featuresAfterImport ?? featuresAfterImport())) featuresWhenBehind(ctx);
      if (finished && (options.embedAfterImport ?? true)) embedWhenBehind(ctx);
      onEnd?.();
    },
  );
}
