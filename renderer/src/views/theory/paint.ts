/** Turns decision-region rasters into pixels: class colour, faded where the vote is close. */
import type { RegionsResult } from '$api/theory-contract.ts';
import { decodeBytes, decodeU16 } from './codec.ts';

export type Rgb = [number, number, number];

/** '#rrggbb' or '#rgb' → RGB; anything else → mid grey. */
export function parseColor(c: string): Rgb {
  const hex = c.trim().replace(/^#/, '');
  if (/^[0-9a-f]{6}$/i.test(hex)) {
    return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
  }
  if (/^[0-9a-f]{3}$/i.test(hex)) return [0, 1, 2].map((i) => parseInt(hex[i] + hex[i], 16)) as Rgb;
  return [128, 128, 128];
}

/**
 * RGBA pixels of the regions, one per raster cell (row 0 at the top). Opacity grows with the
 * winning vote share: a cell the class wins by 1/M barely shows, a unanimous one is strongest.
 * With `cells`, boundaries between Voronoi cells are darkened.
 */
export function regionPixels(
  r: RegionsResult,
  colors: readonly string[],
  background: string,
  cells: boolean,
): Uint8ClampedArray {
  const argmax = decodeBytes(r.argmax);
  const conf = decodeBytes(r.confidence);
  const tied = decodeBytes(r.tied);
  const nearest = cells && r.nearest ? decodeU16(r.nearest) : null;
  const bg = parseColor(background);
  const rgb = colors.map(parseColor);
  const M = Math.max(2, r.numClasses);
  const out = new Uint8ClampedArray(r.width * r.height * 4);
  for (let i = 0; i < argmax.length; i++) {
    const t = Math.min(1, Math.max(0, (conf[i] / 255 - 1 / M) / (1 - 1 / M)));
    const a = tied[i] ? 0.12 : 0.2 + 0.45 * t;
    const c = rgb[argmax[i]] ?? bg;
    let shade = 1;
    if (nearest) {
      const col = i % r.width;
      const right = col + 1 < r.width && nearest[i + 1] !== nearest[i];
      const below = i + r.width < nearest.length && nearest[i + r.width] !== nearest[i];
      if (right || below) shade = 0.55;
    }
    for (let k = 0; k < 3; k++) out[4 * i + k] = (bg[k] * (1 - a) + c[k] * a) * shade;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Semi-axes and angle of the ellipse {d : dᵀ M d = r²} for a symmetric positive definite M. */
export function mahalanobisEllipse(M: readonly number[], r: number): { a: number; b: number; angle: number } | null {
  const p = M[0];
  const q = 0.5 * (M[1] + M[2]);
  const s = M[3];
  const mean = (p + s) / 2;
  const rad = Math.hypot((p - s) / 2, q);
  const l1 = mean + rad;
  const l2 = mean - rad;
  if (!(l2 > 0)) return null;
  // Eigenvector of l1 is along angle θ with tan 2θ = 2q / (p − s).
  const angle = 0.5 * Math.atan2(2 * q, p - s);
  return { a: r / Math.sqrt(l1), b: r / Math.sqrt(l2), angle };
}
