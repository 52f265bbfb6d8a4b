import type { EpochMetrics, NewModel } from '../models.ts';

/** Row data for the model store's tests. */

export const metrics = (r1: number): EpochMetrics => ({
  t2i: { r1, r5: 0.5, r10: 0.6, medianRank: 3 },
  i2t: { r1, r5: 0.4, r10: 0.7, medianRank: 4 },
  images: 10,
  captions: 12,
});

export const newModel: NewModel = {
  config: { epochs: 3 },
  tokenizer: { words: ['a'] },
  data: { trainPairs: 5 },
  backend: 'wasm',
};
