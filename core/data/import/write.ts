import type { Split } from '../../api/types.ts';
import { liveItemsOfRoot, syncCaptions, syncLabels } from '../../store/annotations.ts';
import type { ImportStore, ItemRow } from '../../store/import-store.ts';
import type { Db } from '../../store/lab.ts';
import { PIXEL_SIZE } from '../decode.ts';
import type { ScanProblem } from '../scan.ts';
import { holdoutSplit } from '../split.ts';
import type { DecodedFile } from './decode-files.ts';
import type { FoundAnnotations } from './find-annotations.ts';
import type { ImportSummary } from './types.ts';

/**
 * Everything one import run writes to the lab, through the store: items and their content, the
 * files gone missing, captions and labels, and at the end the run's problems and summary. The
 * counts of `summary` are kept as it writes.
 */
export class ImportWriter {
  constructor(
    private readonly db: Db,
    private readonly store: ImportStore,
    private readonly run: { rootId: number; runId: number },
    readonly summary: ImportSummary,
    private readonly placement: { split?: Split; holdout?: number },
  ) {}

  /** Files the scan could not use become error items, so the UI lists them with their reason. */
  failedFiles(failed: readonly ScanProblem[]): void {
    for (const p of failed) {
      this.store.upsertItem({
        ...this.run,
        path: p.relPath,
        pathRaw: p.relPathRaw,
        imageId: null,
        split: null,
        size: null,
        mtimeMs: null,
        status: 'error',
        error: p.reason,
      });
    }
  }

  /** One transaction per batch: a killed import loses at most the batch in flight. */
  decodedFiles(batch: readonly DecodedFile[], existing: ReadonlyMap<string, ItemRow>): void {
    this.store.transaction(() => {
      for (const r of batch) this.decodedFile(r, existing.get(r.file.relPath));
    });
  }

  private decodedFile(r: DecodedFile, existing: ItemRow | undefined): void {
    const { summary, store } = this;
    const base = {
      ...this.run,
      path: r.file.relPath,
      pathRaw: r.file.relPathRaw,
      size: r.file.size,
      mtimeMs: r.file.mtimeMs,
    };
    if (r.error !== undefined || r.hash === undefined) {
      const reason = r.error ?? 'unknown error';
      summary.problems.push({ path: r.file.relPath, line: null, severity: 'error', reason });
      store.upsertItem({ ...base, imageId: null, split: null, status: 'error', error: reason });
      return;
    }
    let imageId = store.imageIdByHash(r.hash);
    const known = imageId !== null;
    if (imageId === null) {
      if (!r.decoded) throw new Error(`internal: no decoded image for ${r.file.relPath}`);
      const { width, height, format, pixels, thumb } = r.decoded;
      imageId = store.insertImage({
        hash: r.hash,
        bytes: r.file.size,
        width,
        height,
        format,
        pixels,
        pixelSize: PIXEL_SIZE,
        thumb,
      });
    }
    const previous = existing?.image_id ?? null;
    if (previous === imageId) summary.unchanged++;
    else if (previous !== null) summary.updated++;
    else if (known) summary.duplicates++;
    else summary.added++;
    const split = this.placement.split ?? holdoutSplit(r.hash, this.placement.holdout ?? 0.1);
    store.upsertItem({ ...base, imageId, split, status: 'ok', error: null });
  }

  /** Items whose file the scan did not see are marked missing; content no item refers to any more is dropped. */
  missingFiles(existing: ReadonlyMap<string, ItemRow>, seen: ReadonlySet<string>): void {
    this.store.transaction(() => {
      for (const row of existing.values()) {
        if (!seen.has(row.path) && row.status !== 'missing') {
          this.store.markMissing(this.run.runId, row.id);
          this.summary.missing++;
        }
      }
      this.store.dropOrphanImages();
    });
  }

  /** Makes each found source's captions and labels on the root's live items exactly what was found. */
  annotations(found: FoundAnnotations): void {
    const scope = liveItemsOfRoot(this.db, this.run.rootId);
    const { summary } = this;
    for (const { source, byItem } of found.captions) {
      const r = syncCaptions(this.db, source, byItem, scope);
      summary.captionsAdded += r.added;
      summary.captionsRemoved += r.removed;
    }
    for (const { source, byItem } of found.labels) {
      const r = syncLabels(this.db, source, byItem, scope);
      summary.labelsSet += r.set;
      summary.labelsRemoved += r.removed;
    }
  }

  /** Stores the run's problems and closes the run with its summary. */
  finish(): void {
    const { summary } = this;
    this.store.addProblems(this.run.runId, summary.problems);
    const { problems: _omitted, ...counts } = summary;
    this.store.finishRun(this.run.runId, summary.status, counts);
  }

  fail(error: Error): void {
    this.store.finishRun(this.run.runId, 'failed', { error: error.message });
  }
}
