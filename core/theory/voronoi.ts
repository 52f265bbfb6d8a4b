/**
 * Exact Voronoi diagram (the K = 1 regions) inside a box, for L2 and Mahalanobis metrics, where every
 * bisector is a straight line. Each cell is the box clipped by the half-planes "closer to me than to j".
 */
import type { Metric } from '../knn/metrics.ts';
import { assertDataset, type Box, type LabeledPoints2D } from './datasets.ts';
import { TheoryInputError } from './errors.ts';
import type { VoronoiEdgeResult } from '../api/theory-contract.ts';
import { quadForm2 } from './linalg2.ts';
import { planeForm } from './metrics.ts';

/** One edge of a Voronoi diagram: the segment between two sites (the contract's VoronoiEdgeResult). */
export type VoronoiEdge = VoronoiEdgeResult;

export interface VoronoiDiagram {
  box: Box;
  /**
   * Cell polygon of each site, counter-clockwise, interleaved [x0, y0, x1, y1, …]; empty when the
   * cell misses the box or the site duplicates an earlier one (ties go to the lower index).
   */
  cells: Float64Array[];
  /** Interior edges (box sides are left out), each listed once. */
  edges: VoronoiEdge[];
}

interface Polygon {
  xs: number[];
  ys: number[];
  /** tags[k] = site whose bisector carries the edge from vertex k to k+1; −1 for a box side. */
  tags: number[];
}

export function voronoiDiagram(data: LabeledPoints2D, box: Box, metric: Metric = 'euclidean'): VoronoiDiagram {
  const n = assertDataset(data);
  const M = planeForm(metric);
  if (M === 'l1') {
    throw new TheoryInputError(
      'Exact Voronoi edges exist only for L2 and Mahalanobis metrics (L1 bisectors bend); draw the L1 cells with oneNnRaster instead.',
    );
  }
  const { xmin, xmax, ymin, ymax } = box;
  if (![xmin, xmax, ymin, ymax].every(Number.isFinite) || !(xmax > xmin) || !(ymax > ymin)) {
    throw new TheoryInputError(
      `The box needs finite xmin < xmax and ymin < ymax, got x ∈ [${xmin}, ${xmax}], y ∈ [${ymin}, ${ymax}].`,
    );
  }
  const scale = Math.max(xmax - xmin, ymax - ymin);
  const p = data.points;

  const polys: Polygon[] = [];
  for (let i = 0; i < n; i++) {
    let poly: Polygon = {
      xs: [xmin, xmax, xmax, xmin],
      ys: [ymin, ymin, ymax, ymax],
      tags: [-1, -1, -1, -1],
    };
    const ax = p[2 * i];
    const ay = p[2 * i + 1];
    const aMa = quadForm2(M, ax, ay);
    for (let j = 0; j < n && poly.xs.length > 0; j++) {
      if (j === i) continue;
      const bx = p[2 * j];
      const by = p[2 * j + 1];
      // Closer to a than to b ⇔ xᵀM(b − a) ≤ (bᵀMb − aᵀMa) / 2.
      const ex = bx - ax;
      const ey = by - ay;
      const nx = M[0] * ex + M[1] * ey;
      const ny = M[2] * ex + M[3] * ey;
      if (Math.abs(nx) + Math.abs(ny) <= 1e-15 * (Math.abs(M[0]) + Math.abs(M[3])) * scale) {
        // a and b are equally far from every point: the lower index owns the shared cell.
        if (j < i) poly = { xs: [], ys: [], tags: [] };
        continue;
      }
      poly = clip(poly, nx, ny, 0.5 * (quadForm2(M, bx, by) - aMa), j);
    }
    polys.push(dedupe(poly, 1e-12 * scale));
  }

  const edges: VoronoiEdge[] = [];
  const minLen = 1e-9 * scale;
  for (let i = 0; i < n; i++) {
    const { xs, ys, tags } = polys[i];
    for (let k = 0; k < xs.length; k++) {
      const j = tags[k];
      if (j <= i) continue;
      const k2 = (k + 1) % xs.length;
      if (Math.hypot(xs[k2] - xs[k], ys[k2] - ys[k]) < minLen) continue;
      edges.push({
        x1: xs[k],
        y1: ys[k],
        x2: xs[k2],
        y2: ys[k2],
        siteA: i,
        siteB: j,
        betweenClasses: data.labels[i] !== data.labels[j],
      });
    }
  }
  const cells = polys.map(({ xs, ys }) => {
    const out = new Float64Array(2 * xs.length);
    for (let k = 0; k < xs.length; k++) {
      out[2 * k] = xs[k];
      out[2 * k + 1] = ys[k];
    }
    return out;
  });
  return { box: { ...box }, cells, edges };
}

/** Sutherland–Hodgman clip to {x : n·x ≤ c}, keeping for every edge the site that produced it. */
function clip(poly: Polygon, nx: number, ny: number, c: number, site: number): Polygon {
  const { xs, ys, tags } = poly;
  const out: Polygon = { xs: [], ys: [], tags: [] };
  const m = xs.length;
  for (let k = 0; k < m; k++) {
    const k2 = (k + 1) % m;
    const s0 = nx * xs[k] + ny * ys[k] - c;
    const s1 = nx * xs[k2] + ny * ys[k2] - c;
    const in0 = s0 <= 0;
    const in1 = s1 <= 0;
    if (in0) {
      out.xs.push(xs[k]);
      out.ys.push(ys[k]);
      out.tags.push(tags[k]);
      if (!in1) {
        const t = s0 / (s0 - s1);
        out.xs.push(xs[k] + t * (xs[k2] - xs[k]));
        out.ys.push(ys[k] + t * (ys[k2] - ys[k]));
        out.tags.push(site);
      }
    } else if (in1) {
      const t = s0 / (s0 - s1);
      out.xs.push(xs[k] + t * (xs[k2] - xs[k]));
      out.ys.push(ys[k] + t * (ys[k2] - ys[k]));
      out.tags.push(tags[k]);
    }
  }
  return out.xs.length >= 3 ? out : { xs: [], ys: [], tags: [] };
}

/** Drops vertices that coincide with their successor (the successor's outgoing edge survives). */
function dedupe(poly: Polygon, eps: number): Polygon {
  const { xs, ys, tags } = poly;
  const out: Polygon = { xs: [], ys: [], tags: [] };
  for (let k = 0; k < xs.length; k++) {
    const k2 = (k + 1) % xs.length;
    if (Math.abs(xs[k2] - xs[k]) <= eps && Math.abs(ys[k2] - ys[k]) <= eps) continue;
    out.xs.push(xs[k]);
    out.ys.push(ys[k]);
    out.tags.push(tags[k]);
  }
  return out.xs.length >= 3 ? out : { xs: [], ys: [], tags: [] };
}
