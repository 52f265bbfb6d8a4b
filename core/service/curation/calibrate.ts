/**
 * Calibrated thresholds (calibrate): the score of a text query, or of a label's prompts, that keeps a chosen
 * precision on the user's own split, measured over the model's stored image embeddings.
 */
import type { ApiHandlers, ParsedParams, Results } from '../../api/contract.ts';
import {
  compareCodePoints,
  DEFAULT_TEMPLATES,
  distance,
  fillTemplate,
  precisionRecallCurve,
  thinCurve,
  thresholdForPrecision,
} from '../../knn/index.ts';
import { PROMPT_TEMPLATE } from '../../model/config.ts';
import { allCaptions } from '../../store/captions.ts';
import { matchCaption, queryTerms } from '../../store/caption-terms.ts';
import { ZERO_SHOT_TEMPLATES, zeroShotPrompts } from '../search/classify.ts';
import type { ServiceContext } from '../context.ts';
import { guard } from '../neighbours.ts';
import type { SearchContext } from '../search/context.ts';
import { SearchError } from '../search/errors.ts';
import { labelState } from './suggest.ts';

/** The curve keeps at most this many points (its ends and the chosen threshold always). */
export const CURVE_POINTS = 200;

/** Templates a text may wrap a label in and still mean the label ("a photo of a cat" → cat). */
const LABEL_TEMPLATES: readonly string[] = [
  ...new Set(['{}', PROMPT_TEMPLATE, ...ZERO_SHOT_TEMPLATES, ...DEFAULT_TEMPLATES]),
];

/** A text's words as the caption index compares them (case, accents and punctuation aside), one space between. */
const phrase = (text: string) => queryTerms(text).phrase;

/** The label a text names, alone or in one of LABEL_TEMPLATES (words compared, case and punctuation aside), or null. */
export function labelNamedBy(text: string, labels: readonly string[]): string | null {
  const said = phrase(text);
  if (said === '') return null;
  for (const label of labels)
    for (const t of LABEL_TEMPLATES) if (phrase(fillTemplate(t, label)) === said) return label;
  return null;
}

export async function calibrate(ctx: SearchContext, p: ParsedParams<'calibrate'>): Promise<Results['calibrate']> {
  const modelId = ctx.cache.modelId(p.modelId);
  ctx.cache.requireText(modelId);
  const g = ctx.cache.gallery(modelId, 'image');
  const { labeled, unlabeled, info } = labelState(ctx, g);
  const labels = [...new Set(labeled.map((l) => l.label))].sort(compareCodePoints);
  const inSplit = (id: number) => info.get(id)?.split === p.split;
  let label: string | null;
  let text: string | null = null;
  if ('label' in p.query) {
    if (labels.length === 0)
      throw new SearchError('no labels in this lab yet: calibrate a label once items have labels');
    label = p.query.label.trim();
    if (!labels.includes(label))
      throw new SearchError(`no item is labeled ${JSON.stringify(label)} (labels: ${labels.slice(0, 20).join(', ')})`);
  } else {
    text = p.query.text;
    label = labelNamedBy(text, labels);
  }
  // Who is judged: the split's labeled items for a label; for caption words, the split's items with a caption.
  let ids: number[];
  let relevant: boolean[];
  if (label !== null) {
    ids = labeled.filter((l) => inSplit(l.itemId)).map((l) => l.itemId);
    if (ids.length === 0)
      throw new SearchError(
        `the ${p.split} split has no labeled items embedded by model ${modelId}: nothing to measure`,
      );
    relevant = ids.map((id) => info.get(id)!.label === label);
  } else {
    const terms = queryTerms(text!);
    if (terms.words.length === 0)
      throw new SearchError(`${JSON.stringify(text)} has no words to look for in captions, and names no label`);
    const live = new Set([...labeled.map((l) => l.itemId), ...unlabeled].filter(inSplit));
    const hit = new Map<number, boolean>();
    for (const c of allCaptions(ctx.lab.db)) {
      if (!live.has(c.itemId)) continue;
      const all = matchCaption(c.text, terms).wholeWords === terms.words.length;
      hit.set(c.itemId, (hit.get(c.itemId) ?? false) || all);
    }
    ids = [...hit.keys()].sort((a, b) => a - b);
    if (ids.length === 0)
      throw new SearchError(
        `${JSON.stringify(text)} names no label, and no item of the ${p.split} split has a caption to judge it by`,
      );
    relevant = ids.map((id) => hit.get(id)!);
  }
  const vector =
    text !== null
      ? await ctx.encoder.text(modelId, text)
      : (await zeroShotPrompts(ctx, modelId, [label!])).classes.embeddings;
  const scores = ids.map((id) => {
    const r = g.emb.rowOf.get(id)!;
    return 1 - distance(vector, g.emb.data.subarray(r * g.emb.dim, (r + 1) * g.emb.dim), 'cosine');
  });
  const curve = precisionRecallCurve(scores, relevant);
  const point = thresholdForPrecision(curve, p.precision);
  return {
    modelId,
    split: p.split,
    threshold: point?.threshold ?? null,
    precision: point?.precision ?? null,
    recall: point?.recall ?? null,
    relevant: relevant.filter(Boolean).length,
    relevance: label !== null ? 'label' : 'caption-words',
    label,
    curve: thinCurve(curve, CURVE_POINTS, [point]),
  };
}

/** Calibrated thresholds. */
export function calibrateHandlers(ctx: ServiceContext): Pick<ApiHandlers, 'calibrate'> {
  return { calibrate: (p) => guard(() => calibrate(ctx.search, p)) };
}
