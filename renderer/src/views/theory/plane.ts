/** The map between a world box in the plane and a canvas of width × height CSS pixels (y up in the world). */
import type { Box2D } from '$api/theory-contract.ts';

export interface Plane {
  box: Box2D;
  width: number;
  height: number;
}

/** Widens the box (about its centre) so its aspect matches width / height: one unit is as long on both axes. */
export function fitBox(box: Box2D, width: number, height: number): Box2D {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  const cx = (box.xmin + box.xmax) / 2;
  const cy = (box.ymin + box.ymax) / 2;
  const aspect = width / height;
  const W = Math.max(w, h * aspect);
  const H = W / aspect;
  return { xmin: cx - W / 2, xmax: cx + W / 2, ymin: cy - H / 2, ymax: cy + H / 2 };
}

export function toCanvas(p: Plane, x: number, y: number): [number, number] {
  const { box, width, height } = p;
  return [((x - box.xmin) / (box.xmax - box.xmin)) * width, ((box.ymax - y) / (box.ymax - box.ymin)) * height];
}

export function toWorld(p: Plane, px: number, py: number): [number, number] {
  const { box, width, height } = p;
  return [box.xmin + (px / width) * (box.xmax - box.xmin), box.ymax - (py / height) * (box.ymax - box.ymin)];
}

/** World units per CSS pixel along x. */
export function unitsPerPixel(p: Plane): number {
  return (p.box.xmax - p.box.xmin) / p.width;
}

/** Index of the point nearest to (px, py) on the canvas within `radius` pixels, or −1. */
export function pointNear(p: Plane, points: readonly number[], px: number, py: number, radius = 8): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < points.length / 2; i++) {
    const [x, y] = toCanvas(p, points[2 * i], points[2 * i + 1]);
    const d = (x - px) ** 2 + (y - py) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** A tidy box around interleaved points (10 % margin; a default square when there are none). */
export function boxAround(points: readonly number[], fallback: Box2D): Box2D {
  if (points.length < 2) return fallback;
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    xmin = Math.min(xmin, points[i]);
    xmax = Math.max(xmax, points[i]);
    ymin = Math.min(ymin, points[i + 1]);
    ymax = Math.max(ymax, points[i + 1]);
  }
  const w = Math.max(xmax - xmin, 1);
  const h = Math.max(ymax - ymin, 1);
  return { xmin: xmin - 0.1 * w, xmax: xmax + 0.1 * w, ymin: ymin - 0.1 * h, ymax: ymax + 0.1 * h };
}
