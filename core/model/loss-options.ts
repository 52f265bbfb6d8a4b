import { z } from 'zod';

/** Which loss a run trains with, and its settings (no TF.js here: configs are read without loading it). */
const lossKindSchema = z.enum(['npair', 'triplet', 'contrastive']);
export type LossKind = z.infer<typeof lossKindSchema>;
const miningSchema = z.enum(['all', 'hardest', 'semihard']);
export type Mining = z.infer<typeof miningSchema>;

export const lossOptionsSchema = z.object({
  kind: lossKindSchema,
  /** Margin on squared distances (triplet: default 0.2; contrastive: default 1). */
  margin: z.number().optional(),
  /** Triplet negatives: all valid triplets, the hardest in the batch, or semi-hard (FaceNet). Default semihard. */
  mining: miningSchema.optional(),
});
export type LossOptions = z.infer<typeof lossOptionsSchema>;

export const DEFAULT_MARGIN: Record<Exclude<LossKind, 'npair'>, number> = { triplet: 0.2, contrastive: 1 };
