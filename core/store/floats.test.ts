import { describe, expect, it } from 'vitest';
import { blobToFloats, floatsToBlob } from './floats.ts';

describe('float32 blobs', () => {
  it('round-trips float32 blobs, including unaligned buffers', () => {
    const v = Float32Array.from([1.5, -2, 3.25]);
    const blob = floatsToBlob(v);
    const unaligned = Buffer.concat([Buffer.from([0]), blob]).subarray(1);
    expect(blobToFloats(unaligned)).toEqual(v);
    expect(() => blobToFloats(Buffer.alloc(3))).toThrow();
  });
});
