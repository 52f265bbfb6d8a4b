/** 2×2 matrices and 2-vectors as plain tuples. A Mat2 is row-major: [m00, m01, m10, m11]. */
import { symmetricEigen } from '../knn/linalg.ts';
import { NotPositiveSemidefiniteError, TheoryInputError } from './errors.ts';

export type Vec2 = readonly [number, number];
export type Mat2 = readonly [number, number, number, number];

export const IDENTITY2: Mat2 = [1, 0, 0, 1];

export function det2(m: Mat2): number {
  return m[0] * m[3] - m[1] * m[2];
}

export function inverse2(m: Mat2): Mat2 {
  const d = det2(m);
  if (d === 0 || !Number.isFinite(d)) {
    throw new TheoryInputError(`Matrix ${formatMat2(m)} is singular and cannot be inverted.`);
  }
  return [m[3] / d, -m[1] / d, -m[2] / d, m[0] / d];
}

/** vᵀ M v. */
export function quadForm2(m: Mat2, vx: number, vy: number): number {
  return vx * (m[0] * vx + m[1] * vy) + vy * (m[2] * vx + m[3] * vy);
}

export function formatMat2(m: Mat2): string {
  const f = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(4));
  return `[[${f(m[0])}, ${f(m[1])}], [${f(m[2])}, ${f(m[3])}]]`;
}

function assertFiniteMat2(name: string, m: Mat2): void {
  if (m.length !== 4 || !m.every(Number.isFinite)) {
    throw new TheoryInputError(`${name} must be 4 finite numbers [m00, m01, m10, m11], got [${m.join(', ')}].`);
  }
}

function assertSymmetric(name: string, m: Mat2): void {
  const scale = Math.max(1, Math.abs(m[1]), Math.abs(m[2]));
  if (Math.abs(m[1] - m[2]) > 1e-12 * scale) {
    throw new TheoryInputError(
      `${name} = ${formatMat2(m)} must be symmetric (m01 = m10); set both off-diagonal entries to the same value.`,
    );
  }
}

/**
 * Checks that `m` is symmetric positive semi-definite (eigenvalues ≥ 0 up to rounding).
 * Returns its eigenvalues. With `strict`, it must be positive definite (invertible).
 */
export function assertPsd2(name: string, m: Mat2, strict = false): [number, number] {
  assertFiniteMat2(name, m);
  assertSymmetric(name, m);
  const eig = symmetricEigen(m, 2).values;
  const values: [number, number] = [eig[0], eig[1]];
  const tol = 1e-12 * Math.max(1, Math.abs(values[0]));
  if (values[1] < -tol) {
    throw new NotPositiveSemidefiniteError(
      `${name} = ${formatMat2(m)} is not positive semi-definite: its eigenvalues are ` +
        `${values[0].toPrecision(4)} and ${values[1].toPrecision(4)}, and both must be ≥ 0. ` +
        `Make the diagonal entries non-negative and keep m01² ≤ m00·m11.`,
      values,
    );
  }
  if (strict && values[1] <= tol) {
    throw new NotPositiveSemidefiniteError(
      `${name} = ${formatMat2(m)} is singular (eigenvalues ${values[0].toPrecision(4)} and ` +
        `${values[1].toPrecision(4)}); it must be positive definite here. Keep m01² < m00·m11.`,
      values,
    );
  }
  return values;
}

/** Symmetric square root S with S·S = m for a PSD m (works for singular m, unlike Cholesky). */
export function sqrtPsd2(m: Mat2): Mat2 {
  const { values, vectors: v } = symmetricEigen(m, 2);
  const s1 = Math.sqrt(Math.max(0, values[0]));
  const s2 = Math.sqrt(Math.max(0, values[1]));
  // Rows of v are the unit eigenvectors u = (v0, v1) and w = (v2, v3): S = s1·uuᵀ + s2·wwᵀ.
  const a = s1 * v[0] * v[0] + s2 * v[2] * v[2];
  const b = s1 * v[0] * v[1] + s2 * v[2] * v[3];
  const d = s1 * v[1] * v[1] + s2 * v[3] * v[3];
  return [a, b, b, d];
}

/** Rotation by `angle` radians applied to diag(sx², sy²): a convenient way to build covariances. */
export function covarianceFromAxes(sx: number, sy: number, angle: number): Mat2 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const a = sx * sx * c * c + sy * sy * s * s;
  const b = (sx * sx - sy * sy) * c * s;
  const d = sx * sx * s * s + sy * sy * c * c;
  return [a, b, b, d];
}
