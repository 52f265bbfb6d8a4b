/**
 * Seeded, deterministic pseudo-random numbers: mulberry32 for uniforms, Box–Muller for normals.
 * Same seed ⇒ same stream on every platform (only 32-bit integer ops and IEEE doubles).
 */
import { assertPositiveInt, TheoryInputError } from './errors.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Mixes an integer seed and extra integers into a new 32-bit seed (murmur3 finaliser). */
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

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new TheoryInputError(`seed must be a finite number, got ${seed}.`);
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
    // 1 - u lies in (0, 1], so the log is finite.
    const u1 = 1 - next();
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * u2);
  };

  const int = (n: number): number => {
    assertPositiveInt('n', n);
    return Math.floor(next() * n);
  };

  return { next, normal, int };
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace(values: Int32Array | number[], rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
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
  throw new TheoryInputError('weights must contain at least one positive value.');
}
