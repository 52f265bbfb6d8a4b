/**
 * Near-duplicates defined by the user's data (issue 13): groups of live images whose stored image embeddings are
 * within a threshold of each other (core/knn/duplicates.ts), exact duplicates (one content under several names),
 * the threshold fitted on a user's pair marks, and the decisions on groups (keep, hide) with the hidden files.
 */
import type { ApiHandlers, Results } from '../../api/contract.ts';
import type { DuplicateGroup, DuplicateItem } from '../../api/curation-contract.ts';
import {
  candidateLinks,
  defaultThreshold,
  distance,
  fitThreshold,
  groupRows,
  matrix,
  neighbourGraph,
  type Link,
} from '../../knn/index.ts';
import {
  hiddenCount,
  hiddenFiles,
  keptHashes,
  liveDuplicateItems,
  markCounts,
  markPair,
  pairMarks,
  reviewDuplicates,
  unhideFiles,
  unkeepImages,
  newestImageModelId,
  type DuplicateItemRow,
} from '../../store/duplicates.ts';
import { LabReadOnlyError } from '../../store/job-lock.ts';
import { getModel } from '../../store/models.ts';
import { UserError } from '../../util/user-error.ts';
import type { ServiceContext } from '../context.ts';
import { whileNoJobRuns } from '../item-edits.ts';
import { guard } from '../neighbours.ts';

export type DuplicatesApi = Pick<
  ApiHandlers,
  'duplicates' | 'markPair' | 'reviewDuplicates' | 'unkeepDuplicates' | 'hiddenFiles' | 'unhideFiles'
>;

/** Pairs offered for marking per request: half below the threshold, half above. */
export const CANDIDATES = 10;

export class NoImageModelError extends UserError {
  override readonly name = 'NoImageModelError';
  constructor(modelId: number | null) {
    super(
      modelId === null
        ? 'no model of this lab has image embeddings yet: compute backbone features (`nearlab features`) or train and embed a model (`nearlab train`)'
        : `model ${modelId} has no image embeddings of live items yet: run \`nearlab embed --model ${modelId}\``,
    );
  }
}

interface Params {
  modelId?: number;
  threshold?: number;
  limit: number;
  includeReviewed: boolean;
}

/** One row per distinct image content: its vector (the first of its items' embeddings) and its items. */
interface ImageRows {
  hashes: string[];
  items: DuplicateItemRow[][];
  vectors: Float32Array;
  dim: number;
  rowOfHash: Map<string, number>;
}

function imageRows(ctx: ServiceContext, modelId: number): ImageRows {
  const db = ctx.lab.db;
  const emb = ctx.search.cache.gallery(modelId, 'image').emb;
  const live = liveDuplicateItems(db);
  const rowOfHash = new Map<string, number>();
  const hashes: string[] = [];
  const items: DuplicateItemRow[][] = [];
  const source: number[] = [];
  for (let r = 0; r < emb.ids.length; r++) {
    const it = live.get(emb.ids[r]);
    if (!it) continue;
    let row = rowOfHash.get(it.hash);
    if (row === undefined) {
      row = hashes.length;
      rowOfHash.set(it.hash, row);
      hashes.push(it.hash);
      items.push([]);
      source.push(r);
    }
    items[row].push(it);
  }
  const vectors = new Float32Array(hashes.length * emb.dim);
  source.forEach((r, i) => vectors.set(emb.data.subarray(r * emb.dim, (r + 1) * emb.dim), i * emb.dim));
  return { hashes, items, vectors, dim: emb.dim, rowOfHash };
}

function resolveModel(ctx: ServiceContext, id: number | undefined): number {
  if (id === undefined) {
    const newest = newestImageModelId(ctx.lab.db);
    if (newest === null) throw new NoImageModelError(null);
    return newest;
  }
  getModel(ctx.lab.db, id); // an unknown model is a ModelNotFoundError
  return id;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

async function findDuplicates(ctx: ServiceContext, p: Params): Promise<Results['duplicates']> {
  const db = ctx.lab.db;
  const modelId = resolveModel(ctx, p.modelId);
  let rows: ImageRows;
  try {
    rows = imageRows(ctx, modelId);
  } catch (e) {
    if (e instanceof UserError) throw new NoImageModelError(modelId);
    throw e;
  }
  if (rows.hashes.length === 0) throw new NoImageModelError(modelId);
  const n = rows.hashes.length;
  const m = matrix(rows.vectors, n, rows.dim);
  const vec = (r: number) => rows.vectors.subarray(r * rows.dim, (r + 1) * rows.dim);
  const { links, nearest } = await neighbourGraph(m);

  // Marks of images both in the lab, with their distance under this model.
  const marks = pairMarks(db);
  const marked = new Set(marks.map((k) => pairKey(k.hashA, k.hashB)));
  const measured = marks.flatMap((k) => {
    const a = rows.rowOfHash.get(k.hashA);
    const b = rows.rowOfHash.get(k.hashB);
    return a === undefined || b === undefined ? [] : [{ distance: distance(vec(a), vec(b), 'cosine'), same: k.same }];
  });
  const fitted = fitThreshold(measured);
  const fit = fitted && {
    threshold: fitted.threshold,
    precision: fitted.precision,
    recall: fitted.recall,
    marks: { same: measured.filter((k) => k.same).length, notSame: measured.filter((k) => !k.same).length },
  };
  const [threshold, thresholdSource] =
    p.threshold !== undefined
      ? [p.threshold, 'given' as const]
      : fit
        ? [fit.threshold, 'marks' as const]
        : [defaultThreshold(nearest), 'default' as const];

  const kept = keptHashes(db);
  const groupOf = (imageRowsOfGroup: number[], dist: number): DuplicateGroup => {
    const members = imageRowsOfGroup.flatMap((r) => rows.items[r]).sort((x, y) => x.item - y.item);
    const items: DuplicateItem[] = members.map((it) => ({
      item: it.item,
      path: it.path,
      root: it.root,
      width: it.width,
      height: it.height,
      bytes: it.bytes,
      format: it.format,
      kept: kept.has(it.hash),
    }));
    return {
      key: members.map((it) => it.item).join('-'),
      items,
      distance: dist,
      exact: imageRowsOfGroup.length === 1,
    };
  };
  const near = groupRows(n, links, threshold);
  const grouped = new Set(near.flatMap((g) => g.rows));
  const all = [
    ...near.map((g) => groupOf(g.rows, g.distance)),
    // An image under several names that no near-duplicate joins is an exact group of its own.
    ...rows.items.flatMap((its, r) => (its.length > 1 && !grouped.has(r) ? [groupOf([r], 0)] : [])),
  ];
  const groups = all
    .filter((g) => p.includeReviewed || !g.items.every((it) => it.kept))
    .sort((x, y) => x.distance - y.distance || Number(y.exact) - Number(x.exact) || x.items[0].item - y.items[0].item)
    .slice(0, p.limit);

  const ref = (r: number) => ({ item: rows.items[r][0].item, path: rows.items[r][0].path });
  const isMarked = (l: Link) => marked.has(pairKey(rows.hashes[l.a], rows.hashes[l.b]));
  const candidates = candidateLinks(links, threshold, CANDIDATES, isMarked).map((l) => ({
    a: ref(l.a),
    b: ref(l.b),
    distance: l.distance,
  }));
  return {
    modelId,
    threshold,
    thresholdSource,
    fit,
    groups,
    candidates,
    marks: markCounts(db),
    hidden: hiddenCount(db),
  };
}

/** Near-duplicate groups, pair marks, keep / hide decisions and the hidden files. */
export function duplicateHandlers(ctx: ServiceContext): DuplicatesApi {
  const db = ctx.lab.db;
  const writable = (title: string) => {
    if (ctx.lab.readOnly) throw new LabReadOnlyError(ctx.lab, title);
  };
  return {
    duplicates: (p) => guard(() => findDuplicates(ctx, p)),
    markPair: (p) =>
      guard(() => {
        writable(`marking items ${p.a} and ${p.b}`);
        return { marks: markPair(db, p.a, p.b, p.same) };
      }),
    reviewDuplicates: (p) =>
      guard(() => {
        const title = `hiding ${p.hide.length === 1 ? `item ${p.hide[0]}` : `${p.hide.length} items`}`;
        writable(p.hide.length > 0 ? title : 'keeping duplicates');
        const run = () => reviewDuplicates(db, p.keep, p.hide);
        // Hiding removes items: not while an import, training or embed job works on them.
        const r = p.hide.length > 0 ? whileNoJobRuns(ctx, title, run) : run();
        if (r.hidden > 0) {
          ctx.search.cache.invalidate();
          ctx.emit({ type: 'lab-changed' });
        }
        return r;
      }),
    unkeepDuplicates: (p) =>
      guard(() => {
        writable(`un-keeping ${p.ids.length === 1 ? `item ${p.ids[0]}` : `${p.ids.length} items`}`);
        return unkeepImages(db, p.ids);
      }),
    hiddenFiles: () => guard(() => ({ files: hiddenFiles(db) })),
    unhideFiles: (p) =>
      guard(() => {
        writable(`unhiding ${p.ids.length === 1 ? `hidden file ${p.ids[0]}` : `${p.ids.length} hidden files`}`);
        return unhideFiles(db, p.ids);
      }),
  };
}
