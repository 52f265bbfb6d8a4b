/** Volumes of d-dimensional Euclidean balls, in log space so that large d neither overflows nor underflows. */
import { KnnArgumentError } from './errors.ts';

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln|Γ(x)| (Lanczos, g = 7, n = 9, ~15 significant digits; reflection for x < 0.5). Throws at the poles 0, −1, … */
export function logGamma(x: number): number {
  if (!Number.isFinite(x)) throw new KnnArgumentError(`logGamma needs a finite argument, got ${x}`);
  if (x <= 0 && Number.isInteger(x)) throw new KnnArgumentError(`Γ(x) has a pole at x = ${x}; use a positive argument`);
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln V_d, where V_d = π^{d/2} / Γ(d/2 + 1) is the volume of the unit d-ball. */
export function logUnitBallVolume(dim: number): number {
  if (!Number.isInteger(dim) || dim < 1) throw new KnnArgumentError(`dimension must be a positive integer, got ${dim}`);
  return (dim / 2) * Math.log(Math.PI) - logGamma(dim / 2 + 1);
}

/** ln of the volume of the d-ball of radius r, ln V_d + d·ln r (−Infinity for r = 0). */
export function logBallVolume(dim: number, radius: number): number {
  if (!(radius >= 0)) throw new KnnArgumentError(`radius must be non-negative, got ${radius}`);
  return logUnitBallVolume(dim) + dim * Math.log(radius);
}
