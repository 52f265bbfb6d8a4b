/** Fitting 2-D projection points into a canvas and finding the point under the pointer. */

export interface Point2 {
  x: number;
  y: number;
}

export interface Fit {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/**
 * One scale for both axes (distances on screen stay proportional to distances in the projection),
 * centred, with `pad` pixels around; y grows upwards as in a plot.
 */
export function fitPoints(points: readonly Point2[], width: number, height: number, pad = 16): Fit {
  if (points.length === 0 || width <= 2 * pad || height <= 2 * pad)
    return { scale: 1, offsetX: width / 2, offsetY: height / 2 };
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const spanX = maxX - minX || 1;
  const spanY = maxY - minY || 1;
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  return {
    scale,
    offsetX: width / 2 - ((minX + maxX) / 2) * scale,
    offsetY: height / 2 + ((minY + maxY) / 2) * scale,
  };
}

/** Screen coordinates of every point, interleaved [x0, y0, x1, y1, …]. */
export function toScreen(points: readonly Point2[], fit: Fit): Float32Array {
  const out = new Float32Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    out[2 * i] = fit.offsetX + points[i].x * fit.scale;
    out[2 * i + 1] = fit.offsetY - points[i].y * fit.scale;
  }
  return out;
}

/** The index of the screen point nearest to (x, y) within `radius` pixels, or -1. */
export function nearestPoint(screen: Float32Array, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < screen.length / 2; i++) {
    const dx = screen[2 * i] - x;
    const dy = screen[2 * i + 1] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Zoom and pan on top of the fit: screen' = screen · zoom + (tx, ty). */
export interface View {
  zoom: number;
  tx: number;
  ty: number;
}

export const HOME: View = { zoom: 1, tx: 0, ty: 0 };

export function applyView(screen: Float32Array, view: View): Float32Array {
  if (view.zoom === 1 && view.tx === 0 && view.ty === 0) return screen;
  const out = new Float32Array(screen.length);
  for (let i = 0; i < screen.length; i += 2) {
    out[i] = screen[i] * view.zoom + view.tx;
    out[i + 1] = screen[i + 1] * view.zoom + view.ty;
  }
  return out;
}

/** Zooms by `factor` about the screen point (x, y), which stays where it is; zoom stays in [1, maxZoom]. */
export function zoomAt(view: View, x: number, y: number, factor: number, maxZoom = 64): View {
  const zoom = Math.min(maxZoom, Math.max(1, view.zoom * factor));
  const k = zoom / view.zoom;
  return { zoom, tx: x - (x - view.tx) * k, ty: y - (y - view.ty) * k };
}
