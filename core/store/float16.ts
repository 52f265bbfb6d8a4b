/**
 * IEEE 754 half precision (binary16) for stored feature vectors: half the bytes of float32, ~3 significant digits
 * (relative error ≤ 2⁻¹¹ in the normal range, 6.1e-5 … 65504), which a frozen feature needs. Little-endian.
 * Node 20 has no Float16Array: the conversions work on the float32 bits.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of x, rounded to nearest, ties to even; beyond ±65504 → ±Infinity, NaN stays NaN. */
export function toHalfBits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit 1 into place, rounding to nearest even.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    const up = rest > mid || (rest === mid && (half & 1) === 1) ? 1 : 0;
    return sign | (half + up);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa moves into the exponent, which is the correct rounding (up to Infinity).
  const up = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0;
  return sign | (half + up);
}

/** The number that binary16 bits h stand for. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** A float32 vector as a little-endian binary16 blob (2 bytes per value). */
export function floatsToHalfBlob(a: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(a.length * 2);
  for (let i = 0; i < a.length; i++) out.writeUInt16LE(toHalfBits(a[i]), i * 2);
  return out;
}

/** Decodes a little-endian binary16 blob into `out` at `offset` (or a new array); returns the values written. */
export function halfBlobToFloats(b: Uint8Array, out?: Float32Array, offset = 0): Float32Array {
  if (b.byteLength % 2 !== 0) throw new Error(`a float16 blob of ${b.byteLength} bytes`);
  const n = b.byteLength / 2;
  const target = out ?? new Float32Array(n);
  if (offset + n > target.length) throw new Error(`${n} float16 values do not fit at ${offset} of ${target.length}`);
  for (let i = 0; i < n; i++) target[offset + i] = fromHalfBits(b[2 * i] | (b[2 * i + 1] << 8));
  return target.subarray(offset, offset + n);
}
