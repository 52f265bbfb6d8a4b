/** A tiny model (the CNN from scratch, whatever the default backbone) that trains in well under a second per epoch. */
export const TINY_CONFIG = {
  batchSize: 16,
  lr: 3e-3,
  seed: 7,
  model: {
    backbone: 'scratch',
    imageSize: 16,
    widths: [8, 16],
    dim: 16,
    text: { embedDim: 16, hidden: 32, buckets: 64 },
  },
};
