/**
 * The curation lab's "What to label next" (suggest): unlabeled live items ranked by the uncertainty of the labeled
 * items' k-NN vote (or of zero-shot), by diversity, or both interleaved, over a model's stored image embeddings.
 */
import type { ApiHandlers, ParsedParams, Results } from '../../api/contract.ts';
import type { SuggestedItem } from '../../api/curation-contract.ts';
import {
  compareCodePoints,
  knnUncertainty,
  selectToLabel,
  zeroShotUncertainty,
  type Uncertainty,
} from '../../knn/index.ts';
import { itemInfos, type ItemInfo } from '../../store/items.ts';
import { zeroShotPrompts } from '../search/classify.ts';
import type { ServiceContext } from '../context.ts';
import { guard } from '../neighbours.ts';
import type { SearchContext } from '../search/context.ts';
import { SearchError } from '../search/errors.ts';
import { embeddingRows, type Gallery } from '../search/gallery.ts';

/** The live items a model embedded, split into those with a category label and those without (id order). */
export interface LabelState {
  labeled: { itemId: number; label: string }[];
  unlabeled: number[];
  info: Map<number, ItemInfo>;
}

export function labelState(ctx: SearchContext, g: Gallery): LabelState {
  const ids = Array.from(g.emb.ids);
  const info = itemInfos(ctx.lab.db, ids);
  const labeled: LabelState['labeled'] = [];
  const unlabeled: number[] = [];
  for (const id of ids) {
    const label = info.get(id)?.label ?? null;
    if (label === null) unlabeled.push(id);
    else labeled.push({ itemId: id, label });
  }
  return { labeled, unlabeled, info };
}

export async function suggest(ctx: SearchContext, p: ParsedParams<'suggest'>): Promise<Results['suggest']> {
  const modelId = ctx.cache.modelId(p.modelId);
  const g = ctx.cache.gallery(modelId, 'image');
  const { labeled, unlabeled, info } = labelState(ctx, g);
  if (unlabeled.length === 0)
    throw new SearchError(`every live item embedded by model ${modelId} has a label: there is nothing left to label`);
  const classes = [...new Set(labeled.map((l) => l.label))].sort(compareCodePoints);
  const candidates = embeddingRows(g.emb, unlabeled);
  const labeledRows =
    labeled.length > 0
      ? embeddingRows(
          g.emb,
          labeled.map((l) => l.itemId),
        )
      : null;
  // Diversity alone needs no classifier; then its suggestions still say what the labeled items point to, if any.
  const needed = p.strategy !== 'diverse';
  let uncertainty: Uncertainty[] | null = null;
  if (p.method === 'knn') {
    if (labeledRows === null) {
      if (needed)
        throw new SearchError(
          `no labeled items yet: the k-NN vote needs some (label a few items, or use the 'diverse' strategy)`,
        );
    } else if (p.k > labeled.length) {
      if (needed)
        throw new SearchError(
          `k = ${p.k} is larger than the ${labeled.length} labeled items: choose k ≤ ${labeled.length}`,
        );
    } else {
      uncertainty = knnUncertainty(
        candidates,
        labeledRows,
        labeled.map((l) => l.label),
        p.k,
      );
    }
  } else if (classes.length === 0) {
    if (needed)
      throw new SearchError(`no labels yet: zero-shot uses the lab's labels as its classes (label a few items first)`);
  } else if (needed || ctx.cache.hasText(modelId)) {
    const { classes: zs, scale } = await zeroShotPrompts(ctx, modelId, classes);
    uncertainty = zeroShotUncertainty(candidates, zs, scale);
  }
  const picks = selectToLabel({
    candidates,
    labeled: labeledRows,
    strategy: p.strategy,
    n: p.n,
    margins: uncertainty?.map((u) => u.margin) ?? null,
  });
  const items = picks.map((pick): SuggestedItem => {
    const id = unlabeled[pick.index];
    const u = uncertainty?.[pick.index] ?? null;
    return {
      item: id,
      path: info.get(id)!.path,
      suggested: u?.suggested ?? null,
      score: pick.score,
      margin: pick.reason === 'margin' && u ? u.margin : null,
      probabilities: u?.probabilities ?? {},
      reason: pick.reason,
    };
  });
  return {
    modelId,
    strategy: p.strategy,
    method: p.method,
    labeled: labeled.length,
    unlabeled: unlabeled.length,
    classes,
    items,
  };
}

/** What to label next. */
export function suggestHandlers(ctx: ServiceContext): Pick<ApiHandlers, 'suggest'> {
  return { suggest: (p) => guard(() => suggest(ctx.search, p)) };
}
