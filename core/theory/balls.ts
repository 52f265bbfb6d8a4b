/** Volumes of d-dimensional Euclidean balls, computed in log space so large d does not overflow. */
import { assertNonNegative, assertPositiveInt } from './errors.ts';
import { logGamma } from './special.ts';

/** ln V_d, where V_d = π^{d/2} / Γ(d/2 + 1) is the volume of the unit d-ball. */
export function logUnitBallVolume(d: number): number {
  assertPositiveInt('dimension d', d);
  return (d / 2) * Math.log(Math.PI) - logGamma(d / 2 + 1);
}

export function unitBallVolume(d: number): number {
  return Math.exp(logUnitBallVolume(d));
}

/** Volume of the d-ball of radius r: V_d · r^d. */
export function ballVolume(d: number, r: number): number {
  assertNonNegative('radius', r);
  if (r === 0) return 0;
  return Math.exp(logUnitBallVolume(d) + d * Math.log(r));
}
