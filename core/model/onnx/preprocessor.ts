import { z } from 'zod';

/** sharp's resampling kernels that match PIL's filters (preprocessor_config.json's `resample`). */
export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

type Triple = [number, number, number];

/**
 * CLIP's image preprocessing, from preprocessor_config.json: resize (the shortest edge to a length, keeping the
 * aspect ratio, or to a fixed box), centre crop, rescale, normalise per channel. Its output is always
 * `width` × `height`.
 */
export interface ImagePreprocessing {
  resize: { shortestEdge: number } | { width: number; height: number };
  crop: { width: number; height: number } | null;
  width: number;
  height: number;
  rescale: number;
  mean: Triple;
  std: Triple;
  kernel: ResizeKernel;
  /** PIL's filter number when sharp has no kernel of its own for it (4 box, 5 hamming): what was used instead. */
  resampleNote: string | null;
}

/**
 * PIL's filters (the numbers Hugging Face configs use) → sharp: NEAREST 0, LANCZOS 1, BILINEAR 2, BICUBIC 3 have a
 * match (sharp's cubic is Catmull-Rom, like PIL's bicubic); BOX 4 and HAMMING 5 do not: bilinear is the closest.
 */
const KERNELS: Record<number, ResizeKernel> = {
  0: 'nearest',
  1: 'lanczos3',
  2: 'linear',
  3: 'cubic',
  4: 'linear',
  5: 'linear',
};

const positiveInt = z.number().int().positive().max(8192);
const box = z.object({ height: positiveInt, width: positiveInt });
const triple = z.union([z.number(), z.array(z.number()).length(3)]);

const schema = z.looseObject({
  do_resize: z.boolean().default(true),
  size: z.union([positiveInt, z.object({ shortest_edge: positiveInt }), box]).optional(),
  do_center_crop: z.boolean().default(true),
  crop_size: z.union([positiveInt, box]).optional(),
  do_rescale: z.boolean().default(true),
  rescale_factor: z
    .number()
    .positive()
    .default(1 / 255),
  do_normalize: z.boolean().default(true),
  image_mean: triple.optional(),
  image_std: triple.optional(),
  resample: z.number().int().min(0).max(5).default(3),
});

/** A preprocessor_config.json value Nearlab cannot use: the problem, with the key it is about. */
export class PreprocessorConfigProblem extends Error {}

/** CLIP's statistics, Hugging Face's defaults for CLIPImageProcessor when a config gives none. */
const CLIP_MEAN: Triple = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: Triple = [0.26862954, 0.26130258, 0.27577711];

function three(v: number | number[] | undefined, fallback: Triple): Triple {
  if (v === undefined) return [...fallback];
  return typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]];
}

function boxOf(v: number | { height: number; width: number }): { width: number; height: number } {
  return typeof v === 'number' ? { width: v, height: v } : { width: v.width, height: v.height };
}

/** Parses preprocessor_config.json's content; a value it cannot use throws a PreprocessorConfigProblem. */
export function parsePreprocessor(json: unknown): ImagePreprocessing {
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new PreprocessorConfigProblem(`${at}${issue.message}`);
  }
  const c = r.data;
  if (!c.do_resize || c.size === undefined)
    throw new PreprocessorConfigProblem('size: images come in every size, so Nearlab needs do_resize with a size');
  const resize: ImagePreprocessing['resize'] =
    typeof c.size === 'number'
      ? { shortestEdge: c.size }
      : 'shortest_edge' in c.size
        ? { shortestEdge: c.size.shortest_edge }
        : { width: c.size.width, height: c.size.height };
  let crop: ImagePreprocessing['crop'] = null;
  if (c.do_center_crop) {
    if (c.crop_size === undefined) throw new PreprocessorConfigProblem('crop_size: do_center_crop needs a crop_size');
    crop = boxOf(c.crop_size);
    const fits =
      'shortestEdge' in resize
        ? crop.width <= resize.shortestEdge && crop.height <= resize.shortestEdge
        : crop.width <= resize.width && crop.height <= resize.height;
    if (!fits) throw new PreprocessorConfigProblem('crop_size: the crop is larger than the resized image (size)');
  } else if ('shortestEdge' in resize) {
    throw new PreprocessorConfigProblem(
      'do_center_crop: without a crop, resizing the shortest edge keeps each image its own shape; set ' +
        'do_center_crop with a crop_size, or give size as {height, width}',
    );
  }
  const mean: Triple = c.do_normalize ? three(c.image_mean, CLIP_MEAN) : [0, 0, 0];
  const std: Triple = c.do_normalize ? three(c.image_std, CLIP_STD) : [1, 1, 1];
  std.forEach((s, i) => {
    if (!(s > 0)) throw new PreprocessorConfigProblem(`image_std.${i}: must be a positive number (it is ${s})`);
  });
  mean.forEach((m, i) => {
    if (!Number.isFinite(m)) throw new PreprocessorConfigProblem(`image_mean.${i}: must be a number`);
  });
  const out = crop ?? (resize as { width: number; height: number });
  return {
    resize,
    crop,
    width: out.width,
    height: out.height,
    rescale: c.do_rescale ? c.rescale_factor : 1,
    mean,
    std,
    kernel: KERNELS[c.resample],
    resampleNote: c.resample >= 4 ? `resample ${c.resample} (box/hamming) has no sharp kernel: bilinear is used` : null,
  };
}

/**
 * The size an image of `width` × `height` is resized to, as Hugging Face computes it: the shortest edge to its
 * length and the other in proportion (rounded down), or the fixed box.
 */
export function resizedSize(p: ImagePreprocessing, width: number, height: number): { width: number; height: number } {
  if (!('shortestEdge' in p.resize)) return p.resize;
  const s = p.resize.shortestEdge;
  return width <= height
    ? { width: s, height: Math.max(s, Math.floor((s * height) / width)) }
    : { width: Math.max(s, Math.floor((s * width) / height)), height: s };
}
