/**
 * Seeded pseudo-random numbers for all of core: mulberry32 for uniforms, Box–Muller for normals. The same seed
 * gives the same stream on every platform (only 32-bit integer operations and IEEE doubles).
 */

export interface Rng {
  /** Uniform in [0, 1). A plain function: `rng.next` can be passed where a `() => number` is expected. */
  next(): number;
  /** Standard normal N(0, 1); each Box–Muller pair serves two calls. */
  normal(): number;
  /** Uniform integer in [0, n) for a positive integer n. */
  int(n: number): number;
}

/** Mixes a seed and further integers (epoch, item id, …) into an unrelated 32-bit seed (murmur3 finaliser). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = 0x9e3779b9 | 0;
  for (const p of [seed, ...parts]) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + 0x6a09e667) | 0;
  }
  return h >>> 0;
}

/** A generator whose state starts at deriveSeed(seed), so nearby seeds give unrelated streams. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}.`);
  let state = deriveSeed(Math.trunc(seed)) | 0;
  let spare = 0;
  let hasSpare = false;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // 1 − u lies in (0, 1], so the log is finite.
    const u1 = 1 - next();
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * u2);
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}.`);
    return Math.floor(next() * n);
  };

  return { next, normal, int };
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T>(values: { length: number; [i: number]: T }, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
}

/** n distinct integers from 0..count−1, in random order (partial Fisher–Yates; O(n) memory). */
export function sampleDistinct(count: number, n: number, rng: Rng): number[] {
  if (!Number.isInteger(n) || n < 0 || n > count) throw new RangeError(`cannot draw ${n} distinct values of ${count}.`);
  const moved = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (count - i));
    const vi = moved.get(i) ?? i;
    out.push(moved.get(j) ?? j);
    moved.set(j, vi);
  }
  return out;
}

/** Draws an index with probability proportional to `weights` (non-negative, not all zero). */
export function sampleCategorical(weights: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  // Rounding can leave u ≥ 0 after the loop: return the last index with positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  throw new RangeError('weights must contain at least one positive value.');
}
