/** Float32 vectors stored as SQLite blobs (weights, optimizer state, embeddings). */

export function floatsToBlob(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Copies a blob into a fresh (aligned) Float32Array. */
export function blobToFloats(b: Buffer | Uint8Array): Float32Array {
  if (b.byteLength % 4 !== 0) throw new Error(`a float32 blob of ${b.byteLength} bytes`);
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
