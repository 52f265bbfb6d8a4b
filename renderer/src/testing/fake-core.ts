import { createClient, type NearlabClient, type Transport } from '$api/client.ts';
import type { ApiEvent, ItemSummary, JobState, MethodName, Params, Results, SearchHit } from '$api/contract.ts';
import type { AppContext } from '../lib/app-context.ts';
import { APP_CONTEXT } from '../lib/app-context.ts';
import { ItemCache } from '../lib/items.svelte.ts';
import { JobsStore } from '../lib/jobs.svelte.ts';
import { LabStore } from '../lib/lab.svelte.ts';
import { ModelsStore } from '../lib/models.svelte.ts';
import { Router } from '../lib/router.svelte.ts';
import { ViewMemory } from '../lib/view-memory.svelte.ts';

export type Handlers = { [M in MethodName]?: (p: Params<M>) => Results[M] | Promise<Results[M]> };

/** A core that answers from handlers and records every call, for component specs. */
export class FakeCore {
  readonly calls: { method: MethodName; params: unknown }[] = [];
  readonly listeners = new Set<(e: ApiEvent) => void>();
  readonly transport: Transport;
  readonly client: NearlabClient;

  constructor(public handlers: Handlers = {}) {
    this.transport = {
      call: async (method, params) => {
        this.calls.push({ method, params });
        const h = this.handlers[method] as ((p: unknown) => unknown) | undefined;
        if (!h) return { ok: false, error: { kind: 'failed', message: `no fake for ${method}` } };
        try {
          return { ok: true, result: await h(params) };
        } catch (e) {
          return { ok: false, error: { kind: 'failed', message: (e as Error).message } };
        }
      },
      subscribe: (l) => {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
      },
      mediaUrl: (kind, id) => `/media/${kind}/${id}`,
    };
    this.client = createClient(this.transport);
  }

  emit(e: ApiEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** The params of every call of one method, oldest first. */
  paramsOf<M extends MethodName>(method: M): Params<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params as Params<M>);
  }

  lastParams<M extends MethodName>(method: M): Params<M> | undefined {
    const all = this.paramsOf(method);
    return all[all.length - 1];
  }
}

const started: (() => void)[] = [];

/** Stops the stores of every app that fakeApp started: `afterEach(stopApps)`. */
export function stopApps(): void {
  for (const stop of started.splice(0)) stop();
}

/** The stores of the app on a fake core, started as App starts them (stop them with `stop` or stopApps). */
export function fakeApp(core: FakeCore): { app: AppContext; context: Map<symbol, AppContext>; stop: () => void } {
  const app: AppContext = {
    client: core.client,
    router: new Router(),
    lab: new LabStore(core.client),
    jobs: new JobsStore(core.client),
    models: new ModelsStore(core.client),
    items: new ItemCache(core.client),
    views: new ViewMemory(),
  };
  const stops = [app.lab.start(), app.jobs.start(), app.models.start()];
  const stop = () => stops.forEach((s) => s());
  started.push(stop);
  return { app, context: new Map([[APP_CONTEXT, app]]), stop };
}

const LABELS = ['Animals', 'Flags', 'Food'];

export function makeItems(n: number): ItemSummary[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    path: `images/item-${i + 1}.png`,
    root: '/data/sample',
    split: (['train', 'train', 'val', 'test'] as const)[i % 4],
    label: LABELS[i % LABELS.length],
    value: null,
    captions: [`caption of item ${i + 1}`],
    width: 64,
    height: 64,
  }));
}

export function makeInfo(items: ItemSummary[], lab = '/tmp/test.lab'): Results['info'] {
  const labels: Record<string, number> = {};
  for (const it of items) if (it.label) labels[it.label] = (labels[it.label] ?? 0) + 1;
  const splits = { train: 0, val: 0, test: 0 };
  for (const it of items) splits[it.split]++;
  return {
    lab,
    items: items.length,
    images: items.length,
    captions: items.length,
    labels,
    numericLabels: 0,
    unlabeled: 0,
    splits,
    errors: 0,
    warnings: 0,
    missing: 0,
    roots: [],
    features: {},
  };
}

/** Words as core's item_words index cuts them: runs of letters and digits, accents and case folded. */
const foldedWords = (text: string) =>
  (text.match(/[\p{L}\p{N}\p{Co}\p{M}]+/gu) ?? []).map((w) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());

/** listItems as core answers it: a text matches when each of its words begins a word of the path or a caption. */
export function listFrom(items: ItemSummary[]) {
  return (p: Params<'listItems'>): Results['listItems'] => {
    const words = foldedWords(p.text ?? '');
    const blank = !(p.text ?? '').trim();
    const hits = items.filter((it) => {
      const own = foldedWords([it.path, ...it.captions].join(' '));
      return (
        (!p.split || it.split === p.split) &&
        (p.label === undefined || it.label === p.label) &&
        (blank || (words.length > 0 && words.every((w) => own.some((o) => o.startsWith(w)))))
      );
    });
    const offset = p.offset ?? 0;
    return { total: hits.length, items: hits.slice(offset, offset + (p.limit ?? 200)) };
  };
}

export function makeJob(over: Partial<JobState> = {}): JobState {
  return {
    id: 'job-1',
    kind: 'import',
    title: 'Import /data/sample',
    status: 'running',
    progress: null,
    result: null,
    error: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    ...over,
  };
}

export function makeModel(
  id: number,
  over: Partial<Results['models']['models'][number]> = {},
): Results['models']['models'][number] {
  return {
    id,
    name: `run-${id}`,
    kind: 'trained',
    backbone: 'scratch',
    createdAt: '2025-01-01T00:00:00.000Z',
    status: 'done',
    loss: 'npair',
    backend: 'wasm',
    config: { dim: 32, batch: 16, imageSize: 32, lr: 0.001 },
    epochsDone: 2,
    metrics: null,
    embedded: true,
    coverage: { images: 10, items: 10, captions: 10, liveCaptions: 10 },
    embeddings: { image: 10, caption: 10 },
    epochs: 20,
    dim: 32,
    imageSize: 32,
    mining: null,
    error: null,
    ...over,
  };
}

/** What trainingDefaults answers for a lab whose train split fills a default batch, with no speed measured yet. */
export function makeTrainingDefaults(over: Partial<Results['trainingDefaults']> = {}): Results['trainingDefaults'] {
  return {
    settings: {
      loss: 'npair',
      backbone: 'scratch',
      epochs: 20,
      batch: 64,
      dim: 128,
      imageSize: 64,
      lr: 0.002,
      seed: 1,
    },
    config: { epochs: 20, batchSize: 64, lr: 0.002, seed: 1, model: { dim: 128, imageSize: 64 } },
    readiness: { trainImages: 100, captioned: 100, pairs: 100, batch: 64, problems: [] },
    backbones: [
      { name: 'scratch', title: 'CNN trained from scratch', features: null },
      { name: 'mobilenet_v2_mid', title: 'MobileNetV2 ×1.4 (ImageNet, nsfwjs)', features: { done: 100, images: 100 } },
      { name: 'inception_v3', title: 'InceptionV3 (ImageNet, nsfwjs)', features: { done: 0, images: 100 } },
    ],
    estimate: null,
    ...over,
  };
}

/** A core with a lab of `n` items and no models, jobs or problems. */
export function labCore(n: number, extra: Handlers = {}): { core: FakeCore; items: ItemSummary[] } {
  const items = makeItems(n);
  const core = new FakeCore({
    info: () => makeInfo(items),
    listItems: listFrom(items),
    jobs: () => ({ jobs: [] }),
    models: () => ({ models: [] }),
    importProblems: () => ({ problems: [], total: 0 }),
    trainingDefaults: () => makeTrainingDefaults(),
    item: (p) => {
      const it = items.find((i) => i.id === p.id);
      if (!it) throw new Error(`no item ${p.id}`);
      return { ...it, format: 'png', bytes: 100, hash: 'h', duplicates: [], history: [] };
    },
    ...extra,
  });
  return { core, items };
}

// ——— Curation (issue 13): suspects and duplicates, as stateful fakes that change as core would ———

/**
 * suspects / confirmLabels / editItem / undoItemEdit over `items`: `votes` names the class the neighbours vote
 * for (by item id); an item is a suspect while its label differs from its vote and it is not confirmed.
 */
export function suspectHandlers(items: ItemSummary[], votes: Record<number, string>): Handlers {
  const label = new Map(items.map((it) => [it.id, it.label]));
  const before = new Map<number, (string | null)[]>();
  const confirmed = new Map<number, string | null>();
  const detail = (id: number): Results['item'] => {
    const it = items.find((i) => i.id === id);
    if (!it) throw new Error(`no item ${id}`);
    return { ...it, label: label.get(id) ?? null, format: 'png', bytes: 100, hash: 'h', duplicates: [], history: [] };
  };
  const isConfirmed = (id: number) => confirmed.has(id) && confirmed.get(id) === label.get(id);
  return {
    suspects: (p) => {
      const labeled = items.filter((it) => label.get(it.id) !== null);
      const ranked = labeled
        .filter((it) => votes[it.id] !== undefined && votes[it.id] !== label.get(it.id))
        .filter((it) => !p.split || it.split === p.split);
      const shown = ranked.filter((it) => p.includeConfirmed || !isConfirmed(it.id));
      return {
        modelId: p.modelId ?? 1,
        k: p.k ?? 10,
        models: [p.modelId ?? 1],
        labeled: labeled.length,
        confirmed: ranked.length - shown.length,
        suspects: shown.slice(0, p.limit ?? 100).map((it, i) => {
          const others = labeled.filter((o) => o.id !== it.id).slice(0, 3);
          return {
            item: it.id,
            path: it.path,
            label: String(label.get(it.id)),
            vote: votes[it.id],
            score: 0.9 - i * 0.1,
            pLabel: 0.1 + i * 0.1,
            pVote: 0.8 - i * 0.1,
            agreement: null,
            confirmed: isConfirmed(it.id),
            neighbours: others.map((o, j) => ({
              itemId: o.id,
              path: o.path,
              label: String(label.get(o.id)),
              distance: 0.1 * (j + 1),
            })),
          };
        }),
      };
    },
    confirmLabels: (p) => {
      for (const id of p.ids) {
        if (p.confirmed === false) confirmed.delete(id);
        else confirmed.set(id, label.get(id) ?? null);
      }
      return { changed: p.ids.length };
    },
    editItem: (p) => {
      if (p.label !== undefined) {
        before.set(p.id, [...(before.get(p.id) ?? []), label.get(p.id) ?? null]);
        label.set(p.id, p.label as string | null);
      }
      return detail(p.id);
    },
    undoItemEdit: (p) => {
      const stack = before.get(p.id) ?? [];
      if (stack.length > 0) label.set(p.id, stack.pop()!);
      return { undone: [], item: detail(p.id) };
    },
  };
}

type DuplicateResults = Results['duplicates'];

/**
 * duplicates / markPair / reviewDuplicates / unkeepDuplicates / hiddenFiles / unhideFiles over fixed groups (lists
 * of item ids) and candidate pairs: a group drops out when all its members are kept, hidden items leave their groups.
 */
export function duplicateHandlers(
  items: ItemSummary[],
  groups: number[][],
  candidates: [number, number, number][] = [],
  defaultThreshold = 0.1,
): Handlers {
  const kept = new Set<number>();
  const hidden = new Map<number, { id: number; root: string; path: string; reason: string; hiddenAt: string }>();
  const marks = new Map<string, boolean>();
  let fileIds = 0;
  const byId = (id: number) => {
    const it = items.find((i) => i.id === id);
    if (!it) throw new Error(`no item ${id}`);
    return it;
  };
  const count = () => {
    const same = [...marks.values()].filter(Boolean).length;
    return { same, notSame: marks.size - same };
  };
  const fit = (): DuplicateResults['fit'] => {
    const m = count();
    return m.same > 0 && m.notSame > 0 ? { threshold: 0.2, precision: 0.9, recall: 0.8, marks: m } : null;
  };
  return {
    duplicates: (p): DuplicateResults => {
      const f = fit();
      const live = (id: number) => ![...hidden.values()].some((h) => h.path === byId(id).path);
      return {
        modelId: p.modelId ?? 1,
        threshold: p.threshold ?? f?.threshold ?? defaultThreshold,
        thresholdSource: p.threshold !== undefined ? 'given' : f ? 'marks' : 'default',
        fit: f,
        groups: groups
          .map((g) => g.filter(live))
          .filter((g) => g.length > 1 && (p.includeReviewed || !g.every((id) => kept.has(id))))
          .map((g) => ({
            key: [...g].sort((a, b) => a - b).join('-'),
            distance: 0.05,
            exact: false,
            items: g.map((id) => {
              const it = byId(id);
              return {
                item: id,
                path: it.path,
                root: it.root,
                width: it.width,
                height: it.height + id,
                bytes: 1000 * id,
                format: 'png',
                kept: kept.has(id),
              };
            }),
          })),
        candidates: candidates
          .filter(([a, b]) => !marks.has(`${a}-${b}`))
          .map(([a, b, distance]) => ({
            a: { item: a, path: byId(a).path },
            b: { item: b, path: byId(b).path },
            distance,
          })),
        marks: count(),
        hidden: hidden.size,
      };
    },
    markPair: (p) => {
      if (p.same === null) marks.delete(`${p.a}-${p.b}`);
      else marks.set(`${p.a}-${p.b}`, p.same);
      return { marks: count() };
    },
    reviewDuplicates: (p) => {
      for (const id of p.keep ?? []) kept.add(id);
      for (const id of p.hide ?? []) {
        const it = byId(id);
        const file = {
          id: ++fileIds,
          root: it.root,
          path: it.path,
          reason: 'duplicate',
          hiddenAt: '2025-01-01T12:00:00Z',
        };
        hidden.set(file.id, file);
      }
      return { kept: p.keep?.length ?? 0, hidden: p.hide?.length ?? 0 };
    },
    unkeepDuplicates: (p) => ({ unkept: p.ids.filter((id) => kept.delete(id)).length }),
    hiddenFiles: () => ({ files: [...hidden.values()] }),
    unhideFiles: (p) => {
      const n = p.ids.filter((id) => hidden.delete(id)).length;
      return { unhidden: n };
    },
  };
}

// Curation (issue 13): what to label next, calibrated thresholds, two models compared, confusion cells.

/**
 * suggest over a list of items as core answers it: the unlabeled ones (label null), first `n`, each pointing to a
 * class of the labeled ones (classes sorted by name) with that class's probability highest.
 */
export function suggestFrom(items: ItemSummary[]) {
  return (p: Params<'suggest'>): Results['suggest'] => {
    const classes = [...new Set(items.map((it) => it.label).filter((l): l is string => l !== null))].sort();
    const unlabeled = items.filter((it) => it.label === null);
    const strategy = p.strategy ?? 'mixed';
    return {
      modelId: p.modelId ?? 3,
      strategy,
      method: p.method ?? 'knn',
      labeled: items.length - unlabeled.length,
      unlabeled: unlabeled.length,
      classes,
      items: unlabeled.slice(0, p.n ?? 20).map((it, i) => {
        const suggested = classes.length ? classes[it.id % classes.length] : null;
        const probabilities = Object.fromEntries(
          classes.map((c) => [c, c === suggested ? 0.6 : 0.4 / Math.max(1, classes.length - 1)]),
        );
        const reason = strategy === 'diverse' || (strategy === 'mixed' && i % 2 === 1) ? 'diverse' : 'margin';
        return {
          item: it.id,
          path: it.path,
          suggested,
          score: 1 - i / 100,
          margin: reason === 'margin' ? 0.2 : null,
          probabilities,
          reason,
        };
      }),
    };
  };
}

/** editItem over a list of items: changes the item in place (so suggest and listItems see the new label). */
export function editFrom(items: ItemSummary[]) {
  return (p: Params<'editItem'>): Results['editItem'] => {
    const it = items.find((i) => i.id === p.id);
    if (!it) throw new Error(`no item ${p.id}`);
    if (p.label !== undefined) it.label = typeof p.label === 'number' ? String(p.label) : p.label;
    if (p.split) it.split = p.split;
    if (p.captions) it.captions = p.captions;
    return { ...it, format: 'png', bytes: 100, hash: 'h', duplicates: [], history: [] };
  };
}

/** A calibration as core answers it; `over` changes any field (e.g. threshold null: none reaches the precision). */
export function makeCalibration(
  p: Params<'calibrate'>,
  over: Partial<Results['calibrate']> = {},
): Results['calibrate'] {
  const target = p.precision ?? 0.9;
  return {
    modelId: p.modelId ?? 3,
    split: p.split ?? 'val',
    // A stricter precision needs a higher score.
    threshold: Math.round((target - 0.2) * 1000) / 1000,
    precision: target + 0.01,
    recall: 1 - target,
    relevant: 12,
    relevance: 'label' in p.query ? 'label' : 'caption-words',
    label: 'label' in p.query ? p.query.label : null,
    curve: [0.9, 0.7, 0.5].map((threshold, i) => ({ threshold, precision: 1 - i * 0.1, recall: 0.2 + i * 0.3 })),
    ...over,
  };
}

/** compare as core answers it for two models: B better on Flags, worse on Food; B moves item 2 up and 1 down. */
export function makeComparison(p: Params<'compare'>): Results['compare'] {
  const metrics = (r1: number) => ({ r1, r5: r1 + 0.2, r10: r1 + 0.3, medianRank: 4 });
  const hit = (itemId: number, score: number): SearchHit => ({
    itemId,
    path: `images/item-${itemId}.png`,
    score,
    label: 'Flags',
  });
  return {
    models: [
      { id: p.modelA, name: `run-${p.modelA}` },
      { id: p.modelB, name: `run-${p.modelB}` },
    ],
    split: p.split ?? 'val',
    k: p.k ?? 5,
    perClass: [
      { label: 'Flags', count: 10, accuracy: [0.5, 0.8], recall: [0.4, 0.6] },
      { label: 'Food', count: 6, accuracy: [0.75, 0.5], recall: [null, null] },
    ],
    knnAccuracy: [0.6, 0.7],
    recall: { t2i: [metrics(0.1), metrics(0.3)], i2t: [metrics(0.2), null] },
    zeroShot: [
      { templates: ['{}'], accuracy: [0.4, 0.55] },
      { templates: ['a photo of {}', 'an emoji of {}'], accuracy: [0.5, 0.45] },
    ],
    bestTemplates: [1, 0],
    query: p.query
      ? {
          text: p.query.text,
          a: [hit(1, 0.9), hit(2, 0.8), hit(3, 0.7)],
          b: [hit(2, 0.85), hit(4, 0.8), hit(1, 0.6)],
          moved: [
            { itemId: 1, path: 'images/item-1.png', rankA: 1, rankB: 3 },
            { itemId: 2, path: 'images/item-2.png', rankA: 2, rankB: 1 },
            { itemId: 3, path: 'images/item-3.png', rankA: 3, rankB: null },
            { itemId: 4, path: 'images/item-4.png', rankA: null, rankB: 2 },
          ],
        }
      : null,
  };
}

/** confusionItems over a list of items: those of the split whose label is the cell's true label, first two. */
export function confusionFrom(items: ItemSummary[]) {
  return (p: Params<'confusionItems'>): Results['confusionItems'] => ({
    items: items
      .filter((it) => it.split === (p.split ?? 'test') && it.label === p.trueLabel)
      .slice(0, 2)
      .map((it) => ({
        itemId: it.id,
        path: it.path,
        label: it.label ?? '',
        predicted: p.predicted,
        caption: it.captions[0] ?? null,
      })),
  });
}
