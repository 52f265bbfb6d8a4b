/** A tiny model that trains in well under a second per epoch on the fixture lab. */
export const TINY_CONFIG = {
  batchSize: 16,
  lr: 3e-3,
  seed: 7,
  model: { imageSize: 16, widths: [8, 16], dim: 16, text: { embedDim: 16, hidden: 32, buckets: 64 } },
};
