import { ShapeError } from './errors.ts';

/** Row-major float32 matrix: row i occupies data[i*dim, (i+1)*dim). */
export interface Matrix {
  data: Float32Array;
  rows: number;
  dim: number;
}

/** Wraps `data` as a rows×dim matrix after checking the sizes agree. */
export function matrix(data: Float32Array, rows: number, dim: number): Matrix {
  if (!Number.isInteger(rows) || rows < 0) throw new ShapeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(dim) || dim < 1) throw new ShapeError(`dim must be a positive integer, got ${dim}`);
  if (data.length !== rows * dim) {
    throw new ShapeError(`matrix data has ${data.length} values but ${rows}×${dim} needs ${rows * dim}`);
  }
  return { data, rows, dim };
}

/** Builds a matrix from nested arrays (all rows must have the same length). */
export function fromRows(rows: ArrayLike<ArrayLike<number>>, dim?: number): Matrix {
  const d = dim ?? (rows.length > 0 ? rows[0].length : 0);
  if (d < 1) throw new ShapeError('cannot infer the dimension of an empty list of rows; pass dim');
  const data = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.length !== d) throw new ShapeError(`row ${i} has ${r.length} values, expected ${d}`);
    for (let j = 0; j < d; j++) data[i * d + j] = r[j];
  }
  return { data, rows: rows.length, dim: d };
}

/** A view (no copy) of row i. */
export function row(m: Matrix, i: number): Float32Array {
  if (!Number.isInteger(i) || i < 0 || i >= m.rows) throw new ShapeError(`row ${i} is outside 0..${m.rows - 1}`);
  return m.data.subarray(i * m.dim, (i + 1) * m.dim);
}

/** Wraps a single vector as a 1×d matrix (no copy). */
export function asQueryMatrix(v: Float32Array | Matrix): Matrix {
  if (v instanceof Float32Array) return matrix(v, 1, v.length);
  return v;
}

/** Copies the listed rows into a new matrix. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float32Array(indices.length * m.dim);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (r < 0 || r >= m.rows) throw new ShapeError(`row ${r} is outside 0..${m.rows - 1}`);
    out.set(m.data.subarray(r * m.dim, (r + 1) * m.dim), i * m.dim);
  }
  return { data: out, rows: indices.length, dim: m.dim };
}

/** Squared L2 norm of every row, accumulated in float64. */
export function rowSquaredNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  const { data, dim } = m;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    const o = i * dim;
    for (let j = 0; j < dim; j++) s += data[o + j] * data[o + j];
    out[i] = s;
  }
  return out;
}

/** Copy with every row scaled to unit L2 norm; all-zero rows stay zero (as sklearn's normalize does). */
export function normaliseRows(m: Matrix): Matrix {
  const out = new Float32Array(m.data.length);
  const norms = rowSquaredNorms(m);
  const { data, dim } = m;
  for (let i = 0; i < m.rows; i++) {
    const n = Math.sqrt(norms[i]);
    if (n === 0) continue;
    const o = i * dim;
    for (let j = 0; j < dim; j++) out[o + j] = data[o + j] / n;
  }
  return { data: out, rows: m.rows, dim };
}

/** L2-normalises a vector into a new array; throws on a zero vector. */
export function normaliseVector(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (!(s > 0) || !Number.isFinite(s)) throw new ShapeError('cannot normalise a zero or non-finite vector');
  const n = Math.sqrt(s);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

/** Copies the matrix into a SharedArrayBuffer so worker threads can read it without copies. */
export function toShared(m: Matrix): Matrix {
  if (m.data.buffer instanceof SharedArrayBuffer) return m;
  const buf = new SharedArrayBuffer(m.data.length * Float32Array.BYTES_PER_ELEMENT);
  const data = new Float32Array(buf);
  data.set(m.data);
  return { data, rows: m.rows, dim: m.dim };
}

/** Throws unless every value is finite (NaN/Infinity would poison distances silently). */
export function assertFinite(m: Matrix, what: string): void {
  const { data } = m;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ShapeError(`${what} has a non-finite value at row ${Math.floor(i / m.dim)}, column ${i % m.dim}`);
    }
  }
}

/** Throws unless both matrices have the same dimension. */
export function assertSameDim(a: Matrix, b: Matrix, what: string): void {
  if (a.dim !== b.dim) throw new ShapeError(`${what}: dimensions differ (${a.dim} vs ${b.dim})`);
}
