import { hiddenPaths } from '../../store/duplicates.ts';
import { ImportStore } from '../../store/import-store.ts';
import type { Lab } from '../../store/lab.ts';
import { RateMeter } from '../progress.ts';
import { scanFolder } from '../scan.ts';
import { decodeFiles } from './decode-files.ts';
import { findAnnotations } from './find-annotations.ts';
import { resolveImportInputs } from './inputs.ts';
import { planImport } from './plan.ts';
import type { ImportOptions, ImportSummary } from './types.ts';
import { ImportWriter } from './write.ts';

/** Results written per transaction: a kill -9 loses at most this many decoded images. */
const BATCH = 32;

/**
 * Imports a folder into the lab: scan it, read and decode the new and changed images, mark the
 * files gone missing, then synchronise captions and labels. Problems are reported, never thrown;
 * an abort stops after the images in flight and leaves captions and labels as they were.
 */
export async function importFolder(lab: Lab, folder: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const { root, captionsFile, labelsFile } = await resolveImportInputs(folder, options);

  const store = new ImportStore(lab.db);
  const recorded = { ...options, signal: undefined, onProgress: undefined, captionsFile, labelsFile };
  const { rootId, runId } = store.beginRun(root, recorded);
  const summary = emptySummary(runId, root);
  const writer = new ImportWriter(lab.db, store, { rootId, runId }, summary, options);
  const meter = new RateMeter();
  const report = (phase: string, done: number, total: number) =>
    options.onProgress?.(meter.measure(phase, done, total));

  try {
    report('scan', 0, 0);
    const scanned = await scanFolder(root, options.signal);
    summary.found = scanned.images.length;
    // Files a user hid (as duplicates) stay out of the lab until they are unhidden: not read, not items.
    const hidden = hiddenPaths(lab.db, root);
    const scan = { ...scanned, images: scanned.images.filter((f) => !hidden.has(f.relPath)) };
    summary.hidden = summary.found - scan.images.length;
    if (!scanned.images.length) {
      const reason = `no images found in ${root}`;
      summary.notices.push(reason);
      summary.problems.push({ path: '.', line: null, severity: 'warning', reason });
    }
    const existing = store.itemsOfRoot(rootId);
    const plan = planImport(scan, existing);
    summary.problems.push(...plan.problems);
    summary.unchanged += plan.unchanged;
    writer.failedFiles(plan.failed);

    await decodeFiles(plan.work, {
      concurrency: options.concurrency,
      maxPixels: options.maxPixels,
      signal: options.signal,
      isKnown: (hash) => store.imageIdByHash(hash) !== null,
      batchSize: BATCH,
      onBatch: (batch) => writer.decodedFiles(batch, existing),
      onProgress: (done, total) => report('images', done, total),
    });

    if (options.signal?.aborted) {
      summary.status = 'cancelled';
    } else {
      writer.missingFiles(existing, plan.seen);
      report('captions', 0, 1);
      const found = await findAnnotations({
        root,
        items: store.liveItemIds(rootId),
        hidden,
        textFiles: scan.textFiles,
        captionsFile,
        labelsFile,
        options,
      });
      summary.problems.push(...found.problems);
      summary.notices.push(...found.notices);
      writer.annotations(found);
      report('captions', 1, 1);
    }
  } catch (e) {
    writer.fail(e as Error);
    throw e;
  }
  summary.errors = summary.problems.filter((p) => p.severity === 'error').length;
  summary.warnings = summary.problems.length - summary.errors;
  summary.skipped = store.skippedByReason(rootId);
  summary.seconds = (performance.now() - started) / 1000;
  writer.finish();
  return summary;
}

function emptySummary(runId: number, root: string): ImportSummary {
  return {
    runId,
    root,
    status: 'done',
    found: 0,
    added: 0,
    updated: 0,
    duplicates: 0,
    hidden: 0,
    unchanged: 0,
    missing: 0,
    captionsAdded: 0,
    captionsRemoved: 0,
    labelsSet: 0,
    labelsRemoved: 0,
    errors: 0,
    warnings: 0,
    skipped: [],
    notices: [],
    problems: [],
    seconds: 0,
  };
}
