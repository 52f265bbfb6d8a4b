import { KnnArgumentError, ShapeError } from './errors.ts';
import { normaliseVector } from './matrix.ts';

/** Prompt templates; '{}' is replaced by the class label. */
export const DEFAULT_TEMPLATES: readonly string[] = [
  'a photo of a {}.',
  'a photo of the {}.',
  'a close-up photo of a {}.',
  'a cropped photo of a {}.',
  'a good photo of a {}.',
  'a photo of a small {}.',
  'a photo of a large {}.',
  '{}',
];

/** Replaces every '{}' in the template by the label. */
export function fillTemplate(template: string, label: string): string {
  if (!template.includes('{}'))
    throw new KnnArgumentError(`template '${template}' has no '{}' placeholder for the label`);
  return template.split('{}').join(label);
}

/** One unit vector per class: the mean of its prompt embeddings, re-normalised. */
export interface ZeroShotClasses {
  labels: string[];
  /** labels.length × dim, row-major, unit rows. */
  embeddings: Float32Array;
  dim: number;
}

/**
 * Class embeddings from per-class prompt embeddings (several templates per class). Each prompt embedding is
 * normalised, averaged per class, and the mean re-normalised — as in CLIP's zero-shot evaluation.
 */
export function buildZeroShotClasses(prompts: Readonly<Record<string, readonly Float32Array[]>>): ZeroShotClasses {
  const labels = Object.keys(prompts);
  if (labels.length === 0) throw new KnnArgumentError('zero-shot needs at least one class');
  const dim = prompts[labels[0]][0]?.length ?? 0;
  if (dim === 0) throw new KnnArgumentError(`class '${labels[0]}' has no prompt embeddings`);
  const embeddings = new Float32Array(labels.length * dim);
  labels.forEach((label, c) => {
    const list = prompts[label];
    if (list.length === 0) throw new KnnArgumentError(`class '${label}' has no prompt embeddings`);
    const mean = new Float64Array(dim);
    for (const v of list) {
      if (v.length !== dim)
        throw new ShapeError(`class '${label}' has a ${v.length}-d prompt embedding, expected ${dim}`);
      const u = normaliseVector(v);
      for (let j = 0; j < dim; j++) mean[j] += u[j] / list.length;
    }
    embeddings.set(normaliseVector(mean), c * dim);
  });
  return { labels, embeddings, dim };
}

export interface ZeroShotResult {
  label: string;
  probabilities: Record<string, number>;
  /** scale · cos(image, class) per class, in `labels` order. */
  logits: Float64Array;
}

/**
 * p(y|x) = softmax(scale · cos(x, t_y)). `scale` is the model's temperature already exponentiated, i.e.
 * exp(logitScale) (≈ 100 for CLIP). Ties in the arg-max go to the first class.
 */
export function zeroShot(image: Float32Array, classes: ZeroShotClasses, scale: number): ZeroShotResult {
  if (image.length !== classes.dim)
    throw new ShapeError(`image embedding is ${image.length}-d but the class embeddings are ${classes.dim}-d`);
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new KnnArgumentError(`logit scale must be a positive finite number (exp(logitScale)), got ${scale}`);
  const x = normaliseVector(image);
  const { labels, embeddings, dim } = classes;
  const logits = new Float64Array(labels.length);
  for (let c = 0; c < labels.length; c++) {
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += x[j] * embeddings[c * dim + j];
    logits[c] = scale * dot;
  }
  const p = softmax(logits);
  let best = 0;
  for (let c = 1; c < labels.length; c++) if (p[c] > p[best]) best = c;
  const probabilities: Record<string, number> = {};
  labels.forEach((l, c) => (probabilities[l] = p[c]));
  return { label: labels[best], probabilities, logits };
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}
