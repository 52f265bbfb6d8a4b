/**
 * Near-duplicate images from their embeddings (issue 13), pure maths over a matrix of image vectors:
 *
 * - the graph: every image linked to its GRAPH_K nearest other images (exact cosine top-k, topKParallel), the
 *   links kept when their distance is at most the threshold. A link of a pair that is not in either image's top
 *   GRAPH_K is missed; groups are still joined through their other links, so only groups of more than GRAPH_K + 1
 *   images that are all closer to each other than to anyone else can lose a member.
 * - groups: the connected parts of that graph (single linkage); a group's distance is the largest link its
 *   spanning tree needs (the height at which single linkage merges it).
 * - the threshold fitted on a user's marks (same / not same): the cut that maximises F1 of "distance ≤ threshold
 *   means the same", placed halfway between the marks on either side of it.
 * - the default threshold without marks: a low-outlier cut of the nearest-neighbour distances, in log space:
 *   exp(median − 1.5 · 1.4826 · MAD) of log(1-NN distance); 1.5 measured best of 0.5–3 on 50 planted JPEG copies in the emoji lab (README).
 * - candidate pairs worth marking: unmarked links closest to the threshold, alternately below and above it.
 */
import { KnnArgumentError, ShapeError } from './errors.ts';
import { topKParallel } from './exact.ts';
import type { Matrix } from './matrix.ts';
import type { TopKResult } from './topk.ts';

/** Neighbours per image in the duplicate graph. */
export const GRAPH_K = 16;

/** The default threshold lies this many robust standard deviations below the median log 1-NN distance. */
export const DEFAULT_CUT_MADS = 1.5;

/** A link between two rows (a < b) and its cosine distance. */
export interface Link {
  a: number;
  b: number;
  distance: number;
}

export interface RowGroup {
  /** Rows, ascending. */
  rows: number[];
  /** The largest link of the group's spanning tree. */
  distance: number;
}

/** Every image's GRAPH_K (or `k`) nearest other images, exact cosine; row i's own row is left out. */
export async function neighbourGraph(vectors: Matrix, k = GRAPH_K): Promise<{ links: Link[]; nearest: Float64Array }> {
  if (vectors.rows < 2) return { links: [], nearest: new Float64Array(vectors.rows).fill(Infinity) };
  const kk = Math.min(k + 1, vectors.rows);
  const r = await topKParallel(vectors, vectors, kk, { metric: 'cosine' });
  return linksOf(r);
}

/** The links (each pair once, its smallest distance) and each row's nearest other-row distance of a self search. */
export function linksOf(r: TopKResult): { links: Link[]; nearest: Float64Array } {
  const seen = new Map<number, number>();
  const nearest = new Float64Array(r.queries).fill(Infinity);
  const links: Link[] = [];
  for (let q = 0; q < r.queries; q++) {
    for (let i = 0; i < r.k; i++) {
      const row = r.indices[q * r.k + i];
      if (row < 0) break;
      if (row === q) continue;
      // Rounding can leave a tiny negative cosine distance for identical vectors.
      const d = Math.max(0, r.distances[q * r.k + i]);
      if (d < nearest[q]) nearest[q] = d;
      const a = Math.min(q, row);
      const b = Math.max(q, row);
      const key = a * r.queries + b;
      const at = seen.get(key);
      if (at === undefined) {
        seen.set(key, links.length);
        links.push({ a, b, distance: d });
      } else if (d < links[at].distance) links[at].distance = d;
    }
  }
  return { links, nearest };
}

/** Connected parts (of two rows or more) of the links at most `threshold` apart, smallest distance first. */
export function groupRows(rows: number, links: readonly Link[], threshold: number): RowGroup[] {
  const parent = Int32Array.from({ length: rows }, (_, i) => i);
  const height = new Float64Array(rows);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  // Kruskal: links in ascending order, so the link that joins two parts is the largest of the merged tree.
  const sorted = links.filter((l) => l.distance <= threshold).sort((x, y) => x.distance - y.distance);
  for (const l of sorted) {
    if (l.a < 0 || l.b < 0 || l.a >= rows || l.b >= rows)
      throw new ShapeError(`link ${l.a}–${l.b} is outside ${rows} rows`);
    const ra = find(l.a);
    const rb = find(l.b);
    if (ra === rb) continue;
    parent[rb] = ra;
    height[ra] = Math.max(height[ra], height[rb], l.distance);
  }
  const members = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const root = find(i);
    let m = members.get(root);
    if (!m) members.set(root, (m = []));
    m.push(i);
  }
  const out: RowGroup[] = [];
  for (const [root, m] of members) if (m.length > 1) out.push({ rows: m, distance: height[root] });
  return out.sort((x, y) => x.distance - y.distance || x.rows[0] - y.rows[0]);
}

export interface MarkedDistance {
  distance: number;
  same: boolean;
}

export interface Fit {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * The threshold that maximises F1 of "distance ≤ threshold means the same" on marked pairs (ties: the cut with
 * the widest gap between the marks on either side), halfway between the last mark taken and the next one. Null
 * without at least one mark of each kind.
 */
export function fitThreshold(marks: readonly MarkedDistance[]): Fit | null {
  const same = marks.filter((m) => m.same).length;
  if (same === 0 || same === marks.length) return null;
  const sorted = [...marks].sort((x, y) => x.distance - y.distance || Number(y.same) - Number(x.same));
  let best: (Fit & { gap: number }) | null = null;
  let tp = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].same) tp++;
    const next = sorted[i + 1]?.distance;
    // A cut between equal distances cannot be placed: both are on the same side.
    if (next !== undefined && next === sorted[i].distance) continue;
    const taken = i + 1;
    const precision = tp / taken;
    const recall = tp / same;
    const f1 = tp === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const gap = next === undefined ? 0 : next - sorted[i].distance;
    if (!best || f1 > best.f1 + 1e-12 || (Math.abs(f1 - best.f1) <= 1e-12 && gap > best.gap)) {
      const threshold = next === undefined ? sorted[i].distance : (sorted[i].distance + next) / 2;
      best = { threshold, precision, recall, f1, gap };
    }
  }
  const { gap: _gap, ...fit } = best!;
  return fit;
}

function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const h = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Distances below this count as identical (exact duplicates), kept out of the log-space statistics. */
const ZERO = 1e-6;

/**
 * The default threshold from every image's nearest-neighbour distance: most images' nearest neighbour is merely
 * similar, near-duplicates are low outliers of that distribution. In log space (distances are ratios apart) the
 * cut is median − DEFAULT_CUT_MADS robust standard deviations (1.4826 · MAD); exact duplicates (distance 0) are
 * left out of the statistics. 0 when fewer than two images have a neighbour at a non-zero distance.
 */
export function defaultThreshold(nearest: ArrayLike<number>, cut = DEFAULT_CUT_MADS): number {
  if (!(cut >= 0)) throw new KnnArgumentError(`the cut is a number of deviations ≥ 0, got ${cut}`);
  const logs: number[] = [];
  for (let i = 0; i < nearest.length; i++) {
    const d = nearest[i];
    if (Number.isFinite(d) && d > ZERO) logs.push(Math.log(d));
  }
  if (logs.length < 2) return 0;
  logs.sort((x, y) => x - y);
  const m = median(logs);
  const mad = median(logs.map((x) => Math.abs(x - m)).sort((x, y) => x - y));
  return Math.exp(m - cut * 1.4826 * mad);
}

/**
 * Up to `n` links worth marking: those not `marked`, closest to the threshold, taken alternately from below (or
 * at) and above it, each side nearest first; when one side runs out the other fills in.
 */
export function candidateLinks(
  links: readonly Link[],
  threshold: number,
  n: number,
  marked: (l: Link) => boolean = () => false,
): Link[] {
  const open = links.filter((l) => !marked(l));
  const below = open.filter((l) => l.distance <= threshold).sort((x, y) => y.distance - x.distance);
  const above = open.filter((l) => l.distance > threshold).sort((x, y) => x.distance - y.distance);
  const out: Link[] = [];
  for (let i = 0; out.length < n && (i < below.length || i < above.length); i++) {
    if (i < below.length) out.push(below[i]);
    if (out.length < n && i < above.length) out.push(above[i]);
  }
  return out;
}
