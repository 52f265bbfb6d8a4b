import { afterAll, beforeAll } from 'vitest';
import { createFixtureLab, SHAPES } from '../../store/testing/fixture-lab.ts';
import { allCaptions } from '../../store/captions.ts';
import { listItems } from '../../store/items.ts';
import type { Lab } from '../../store/lab.ts';
import { createSearchContext, type SearchContext } from '../search/context.ts';
import { saveEmbeddings } from '../../store/embeddings.ts';
import { createModel, finishModel } from '../../store/models.ts';

export const DIM = SHAPES.length + 1;

/** A unit vector near the one-hot code of a shape, with a little deterministic noise from `seed`. */
function codeOf(shape: string, seed: number): Float32Array {
  const v = new Float32Array(DIM);
  v[SHAPES.indexOf(shape as (typeof SHAPES)[number])] = 1;
  for (let j = 0; j < DIM; j++) v[j] += 0.2 * Math.sin(seed * 12.9898 + j * 78.233);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * The fixture lab (coloured shapes, labelled by shape) with one finished model whose stored image and caption
 * embeddings are noisy one-hot codes of the shape: what search and KNN read, without training anything.
 */
export function createEmbeddedLab(): { lab: Lab; modelId: number } {
  const lab = createFixtureLab();
  const db = lab.db;
  const modelId = createModel(db, { config: { loss: { kind: 'npair' } }, tokenizer: {}, data: {}, backend: 'test' });
  finishModel(db, modelId, { status: 'done', weights: new Float32Array([0]) });
  const items = listItems(db, { offset: 0, limit: 1_000_000 }).items;
  const ids = items.map((it) => it.id);
  const labelOf = new Map(items.map((it) => [it.id, it.label!]));
  const images = new Float32Array(ids.length * DIM);
  ids.forEach((id, i) => images.set(codeOf(labelOf.get(id)!, id), i * DIM));
  saveEmbeddings(db, modelId, 'image', ids, images, DIM);
  const captions = allCaptions(db);
  const capVectors = new Float32Array(captions.length * DIM);
  captions.forEach((c, i) => capVectors.set(codeOf(labelOf.get(c.itemId)!, 1000 + c.id), i * DIM));
  saveEmbeddings(
    db,
    modelId,
    'caption',
    captions.map((c) => c.id),
    capVectors,
    DIM,
  );
  return { lab, modelId };
}

/** Registers hooks that open a fresh embedded lab for the file's tests (and close it after): read it in the tests. */
export function useEmbeddedLab(): { readonly lab: Lab; readonly modelId: number; readonly ctx: SearchContext } {
  const state = {} as { lab: Lab; modelId: number; ctx: SearchContext };
  beforeAll(() => {
    Object.assign(state, createEmbeddedLab());
    state.ctx = createSearchContext(state.lab);
  });
  afterAll(() => state.lab.close());
  return state;
}
