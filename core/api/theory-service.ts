import type { Lab } from '../store/lab.ts';

/** A labeled matrix of the lab's images: raw pixels or a model's embeddings. */
export interface LabeledMatrix {
  data: Float32Array;
  rows: number;
  dim: number;
  itemIds: number[];
  labels: (string | null)[];
}

/**
 * Handlers of the Theory lab's API methods (see theory-contract.ts). NearlabService extends this
 * class; the theory code needs only the lab and the newest model's image embeddings.
 */
export abstract class TheoryHandlers {
  protected abstract readonly lab: Lab;

  /** The newest trained model's image embeddings of up to `limit` labeled live items, or null without a model. */
  protected abstract latestImageEmbeddings(limit: number): Promise<LabeledMatrix | null>;
}
