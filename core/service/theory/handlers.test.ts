import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../data/import/import-folder.ts';
import { Lab } from '../../store/lab.ts';
import { normalCdf } from '../../theory/index.ts';
import { SAMPLE_DIR, tempDir } from '../../../test/helpers/corpus.ts';
import type { ApiHandlers, MethodName, Params, Results } from '../../api/contract.ts';
import { dispatch } from '../../api/rpc.ts';
import { NearlabService } from '../service.ts';
import type { Dataset2D } from '../../api/theory-contract.ts';
import { TheoryService, type LabeledMatrix } from './handlers.ts';

let lab: Lab;
let service: NearlabService;

async function call<M extends MethodName>(
  method: M,
  params: Params<M>,
  svc: { api: ApiHandlers } = service,
): Promise<Results[M]> {
  const r = await dispatch(svc.api, method, params);
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.result as Results[M];
}

async function refusal(method: MethodName, params: unknown): Promise<{ kind: string; message: string }> {
  const r = await dispatch(service.api, method, params);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

/** A "model" whose embedding is a noisy one-hot code of the label: far easier for KNN than pixels. */
async function oneHotEmbeddings(limit: number): Promise<LabeledMatrix | null> {
  const rows = lab.db
    .prepare(
      `SELECT i.id, l.name FROM items i JOIN labels l ON l.item_id = i.id WHERE i.status = 'ok' ORDER BY i.id LIMIT ?`,
    )
    .all(limit) as { id: number; name: string }[];
  const names = [...new Set(rows.map((r) => r.name))].sort();
  const dim = names.length + 2;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    data[i * dim + names.indexOf(r.name)] = 3;
    for (let j = 0; j < dim; j++) data[i * dim + j] += Math.sin(i * 7.1 + j * 1.3) * 0.3;
  });
  return { data, rows: rows.length, dim, itemIds: rows.map((r) => r.id), labels: rows.map((r) => r.name) };
}

beforeAll(async () => {
  lab = Lab.open(join(tempDir(), 'theory.lab'));
  await importFolder(lab, SAMPLE_DIR);
  service = new NearlabService(lab);
});

afterAll(async () => {
  await service.closeTheoryWorkers();
  lab.close();
});

const twoPoints: Dataset2D = { points: [-1, 0.5, 2, -0.5], labels: [0, 1], numClasses: 2 };
const box = { xmin: -4, xmax: 4, ymin: -3, ymax: 3 };

describe('theoryDataset', () => {
  it('samples n points, an independent test sample, and is reproducible from its seed', async () => {
    const p = { shape: { kind: 'blobs', numClasses: 3 }, n: 90, testN: 30, seed: 7 } as const;
    const a = await call('theoryDataset', p);
    const b = await call('theoryDataset', p);
    expect(a).toEqual(b);
    expect(a.train.labels).toHaveLength(90);
    expect(a.train.points).toHaveLength(180);
    expect(a.test?.labels).toHaveLength(30);
    expect(a.test?.points.slice(0, 4)).not.toEqual(a.train.points.slice(0, 4));
    expect(new Set(a.train.labels)).toEqual(new Set([0, 1, 2]));
    for (let i = 0; i < 90; i++) {
      expect(a.train.points[2 * i]).toBeGreaterThanOrEqual(a.box.xmin);
      expect(a.train.points[2 * i + 1]).toBeLessThanOrEqual(a.box.ymax);
    }
    const other = await call('theoryDataset', { ...p, seed: 8 });
    expect(other.train.points).not.toEqual(a.train.points);
  });

  it('refuses sizes beyond the caps before computing anything', async () => {
    expect((await refusal('theoryDataset', { shape: { kind: 'moons' }, n: 1_000_000 })).kind).toBe('bad-request');
    const e = await refusal('theoryRegions', {
      data: { points: [0, 0, 1], labels: [0, 1], numClasses: 2 },
      K: 1,
      grid: { box },
    });
    expect(e.message).toMatch(/2 numbers per label/);
    expect((await refusal('theoryRegions', { data: twoPoints, K: 1, grid: { box, width: 5000 } })).kind).toBe(
      'bad-request',
    );
  });
});

describe('theoryRegions', () => {
  it('with K = 1 and L2 splits the plane of two points along their perpendicular bisector', async () => {
    const r = await call('theoryRegions', { data: twoPoints, K: 1, grid: { box, width: 40, height: 30 } });
    const argmax = bytes(r.argmax);
    expect(argmax).toHaveLength(40 * 30);
    const [ax, ay, bx, by] = twoPoints.points;
    for (let row = 0; row < 30; row++) {
      for (let col = 0; col < 40; col++) {
        const x = box.xmin + ((col + 0.5) * 8) / 40;
        const y = box.ymax - ((row + 0.5) * 6) / 30;
        const closerToB = (x - bx) ** 2 + (y - by) ** 2 < (x - ax) ** 2 + (y - ay) ** 2;
        expect(argmax[row * 40 + col]).toBe(closerToB ? 1 : 0);
      }
    }
    expect(r.voronoi).toHaveLength(1);
    const e = r.voronoi![0];
    // Both ends are equidistant from the two sites, and the edge runs box side to box side.
    for (const [x, y] of [
      [e.x1, e.y1],
      [e.x2, e.y2],
    ]) {
      expect(Math.hypot(x - ax, y - ay)).toBeCloseTo(Math.hypot(x - bx, y - by), 9);
    }
    expect(e.betweenClasses).toBe(true);
    const nearest = new Uint16Array(bytes(r.nearest!).buffer.slice(0));
    expect(Array.from(nearest)).toEqual(Array.from(argmax));
  });

  it('with K ≥ n predicts the majority class everywhere and reports the prior', async () => {
    const data: Dataset2D = { points: [0, 0, 1, 1, -1, 2, 3, -2, 2, 2], labels: [0, 1, 1, 2, 1], numClasses: 3 };
    const r = await call('theoryRegions', { data, K: 9, grid: { box, width: 12, height: 9 } });
    expect(r.K).toBe(5);
    expect(new Set(bytes(r.argmax))).toEqual(new Set([1]));
    expect(new Set(bytes(r.confidence))).toEqual(new Set([Math.round((255 * 3) / 5)]));
    expect(r.prior).toEqual([0.2, 0.6, 0.2]);
    expect(r.nearest).toBeNull();
  });

  it('draws L1 cells from the raster and refuses a Mahalanobis matrix that is not PSD', async () => {
    const r = await call('theoryRegions', {
      data: twoPoints,
      K: 1,
      metric: { kind: 'l1' },
      grid: { box, width: 16, height: 16 },
    });
    expect(r.voronoi).toBeNull();
    expect(r.voronoiNote).toMatch(/L1/);
    expect(r.nearest).not.toBeNull();
    const e = await refusal('theoryRegions', {
      data: twoPoints,
      K: 1,
      metric: { kind: 'mahalanobis', M: [1, 2, 2, 1] },
      grid: { box },
    });
    expect(e.kind).toBe('bad-request');
    expect(e.message).toMatch(/semi-definite|PSD|eigen/i);
  });

  it('gives the same raster inline and in a worker thread', async () => {
    const { train } = await call('theoryDataset', { shape: { kind: 'moons' }, n: 120, seed: 3 });
    const p = { data: train, K: 5, grid: { box, width: 50, height: 40 } } as const;
    const inline = await call('theoryRegions', p);
    const worker = new NearlabService(lab, { theoryWorkers: 'always' });
    try {
      expect(await call('theoryRegions', p, worker)).toEqual(inline);
    } finally {
      await worker.closeTheoryWorkers();
    }
  });
});

describe('theoryPosterior and theoryKde', () => {
  const data: Dataset2D = {
    points: [0, 0, 1, 0, 0, 1, 3, 3, 3, 4, -2, -2, 0.5, 0.5],
    labels: [0, 0, 1, 1, 1, 0, 2],
    numClasses: 3,
  };

  it('posterior is the vote share of the K nearest points', async () => {
    const x: [number, number] = [0.4, 0.3];
    const r = await call('theoryPosterior', { data, x, K: 4 });
    const order = [0, 1, 2, 3, 4, 5, 6].sort(
      (i, j) =>
        Math.hypot(data.points[2 * i] - x[0], data.points[2 * i + 1] - x[1]) -
        Math.hypot(data.points[2 * j] - x[0], data.points[2 * j + 1] - x[1]),
    );
    expect(r.neighbours).toEqual(order.slice(0, 4));
    const votes = [0, 0, 0];
    for (const i of order.slice(0, 4)) votes[data.labels[i]]++;
    expect(r.probabilities).toEqual(votes.map((v) => v / 4));
    expect(r.predicted).toBe(votes.indexOf(Math.max(...votes)));
  });

  it("KDE: p(x|c) = n_c(x)/(n_c V_K), p(c) = n_c/n and Bayes' rule gives the KNN vote share", async () => {
    const r = await call('theoryKde', { data, x: [0.2, 0.1], K: 3, growthMax: 7 });
    expect(r.volume).toBeCloseTo(Math.PI * r.radius ** 2, 12);
    expect(r.radius).toBeCloseTo(r.distances[2], 12);
    expect(r.classTotals).toEqual([3, 3, 1]);
    expect(r.prior).toEqual([3 / 7, 3 / 7, 1 / 7]);
    r.likelihood.forEach((l, c) => expect(l).toBeCloseTo(r.countsInBall[c] / (r.classTotals[c] * r.volume), 12));
    r.posterior.forEach((p, c) => expect(p).toBeCloseTo(r.knnShare[c], 12));
    expect(r.knnShare.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(r.growth.steps).toBe(7);
    expect(r.growth.radii[2]).toBeCloseTo(r.radius, 12);
    expect(r.growth.counts.slice(3 * 2, 3 * 3)).toEqual(r.countsInBall);
  });
});

describe('theoryErrorCurve', () => {
  it('has zero training error at K = 1 and the prior error once K reaches n', async () => {
    const { train, test } = await call('theoryDataset', {
      shape: { kind: 'blobs', numClasses: 3, spread: 1.2 },
      n: 60,
      testN: 80,
      seed: 2,
    });
    const c = await call('theoryErrorCurve', { train, test: test!, kMax: 60 });
    expect(c.testSource).toBe('given');
    expect(c.ks).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(c.trainError[0]).toBe(0);
    expect(c.testError[59]).toBeCloseTo(c.priorError, 12);
    expect(c.complexity[0]).toBe(60);
    expect(c.complexity[59]).toBe(1);
    expect(c.testError[c.ks.indexOf(c.bestK)]).toBe(Math.min(...c.testError));
    expect(Math.min(...c.testError)).toBeLessThan(c.priorError);
  });

  it('splits the points into train and test when no test set is given', async () => {
    const { train } = await call('theoryDataset', { shape: { kind: 'moons' }, n: 50, seed: 4 });
    const c = await call('theoryErrorCurve', { train, kMax: 10, testFraction: 0.2 });
    expect(c.testSource).toBe('split');
    expect(c.nTest).toBe(10);
    expect(c.nTrain).toBe(40);
    expect(c.train.labels.length + c.test.labels.length).toBe(50);
    const e = await refusal('theoryErrorCurve', { train: twoPoints });
    expect(e.message).toMatch(/at least 4 points/);
  });
});

describe('theoryCoverHart', () => {
  const classes = [
    { mean: [-1, 0] as [number, number], cov: [1, 0, 0, 1] as [number, number, number, number] },
    { mean: [1, 0] as [number, number], cov: [1, 0, 0, 1] as [number, number, number, number] },
  ];

  it('uses the closed-form R* = Φ(−Δ/2) and draws the bound R*(2 − M R*/(M − 1))', async () => {
    const r = await call('theoryCoverHart', { classes, ns: [2, 500], repeats: 3, testSize: 400, mcSamples: 20_000 });
    expect(r.bayesErrorMethod).toBe('closed-form');
    expect(r.bayesError).toBeCloseTo(normalCdf(-1), 12);
    expect(r.upperBound).toBeCloseTo(2 * r.bayesError * (1 - r.bayesError), 12);
    expect(r.boundCurve.rStar.at(-1)).toBeCloseTo(0.5, 12);
    r.boundCurve.rStar.forEach((rs, i) => expect(r.boundCurve.upper[i]).toBeCloseTo(2 * rs * (1 - rs), 12));
    // With 500 points the measured error sits near the asymptote, inside a loose band around the bounds.
    expect(r.mean[1]).toBeGreaterThan(r.bayesError - 0.05);
    expect(r.mean[1]).toBeLessThan(r.upperBound + 0.05);
    expect(r.asymptoticOneNn).toBeGreaterThan(r.bayesError);
    expect(r.asymptoticOneNn).toBeLessThan(r.upperBound);
  });

  it('gives identical results in a worker and refuses a simulation beyond the work budget', async () => {
    const p = { classes, ns: [20, 80], repeats: 2, testSize: 100, mcSamples: 5000, seed: 9 };
    const worker = new NearlabService(lab, { theoryWorkers: 'always' });
    try {
      expect(await call('theoryCoverHart', p, worker)).toEqual(await call('theoryCoverHart', p));
    } finally {
      await worker.closeTheoryWorkers();
    }
    const e = await refusal('theoryCoverHart', { classes, ns: [10_000, 10_000], repeats: 50, testSize: 5000 });
    expect(e.kind).toBe('bad-request');
    expect(e.message).toMatch(/limit/);
  });
});

describe('curse of dimensionality', () => {
  it('closed-form curves: V_2 = π, shell 1 − (1 − ε)^d, edge (K/n)^(1/d)', async () => {
    const r = await call('theoryCurseCurves', { dims: [1, 2, 3, 10, 100], eps: 0.1, K: 10, n: 1000 });
    expect(r.ballVolume[1]).toBeCloseTo(Math.PI, 12);
    expect(r.ballVolume[2]).toBeCloseTo((4 / 3) * Math.PI, 12);
    r.dims.forEach((d, i) => {
      expect(r.shellFraction[i]).toBeCloseTo(1 - 0.9 ** d, 12);
      expect(r.subcubeEdge[i]).toBeCloseTo(0.01 ** (1 / d), 12);
    });
    expect((await refusal('theoryCurseCurves', { K: 5, n: 2 })).message).toMatch(/K cannot exceed n/);
  });

  it('farthest / nearest ratio falls towards 1 and noise dimensions hurt KNN', async () => {
    const c = await call('theoryConcentration', { dims: [2, 50, 500], n: 200, queries: 10 });
    expect(c.meanRatio[0]).toBeGreaterThan(c.meanRatio[1]);
    expect(c.meanRatio[1]).toBeGreaterThan(c.meanRatio[2]);
    expect(c.meanRatio[2]).toBeGreaterThan(1);
    expect(c.meanRatio[2]).toBeLessThan(1.6);
    const a = await call('theoryNoiseDims', { nTrain: 200, nTest: 150, noiseDims: [0, 200], repeats: 2 });
    expect(a.noiseDims).toEqual([0, 200]);
    expect(a.meanAccuracy[0]).toBeGreaterThan(0.9);
    expect(a.meanAccuracy[1]).toBeLessThan(a.meanAccuracy[0] - 0.15);
  });
});

describe('theoryYourData', () => {
  it('without a model projects the raw pixels of the labelled images and says why', async () => {
    const r = await call('theoryYourData', { limit: 200, pixelSize: 16, maxClasses: 4 });
    expect(r.note).toMatch(/No trained model/);
    expect(r.spaces.map((s) => s.kind)).toEqual(['pixels']);
    expect(r.classNames).toHaveLength(4);
    const [s] = r.spaces;
    expect(s.dim).toBe(16 * 16 * 3);
    expect(s.data.labels).toHaveLength(r.itemIds.length);
    expect(r.itemIds.length + r.leftOut).toBe(200);
    expect(s.explainedVariance[0]).toBeGreaterThan(s.explainedVariance[1]);
    expect(s.curve.nTrain + s.curve.nTest).toBe(r.itemIds.length);
    expect(s.curve.nTest).toBe(r.isTest.filter(Boolean).length);
    // Classes are ordered by size: class 0 is the largest.
    const counts = r.classNames.map((_, c) => s.data.labels.filter((l) => l === c).length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // The split is the lab's: held-out items are exactly the val / test ones.
    const splits = lab.db.prepare('SELECT id, split FROM items').all() as { id: number; split: string }[];
    const splitOf = new Map(splits.map((x) => [x.id, x.split]));
    r.itemIds.forEach((id, i) => expect(r.isTest[i]).toBe(splitOf.get(id) !== 'train'));
  });

  it("with a model shows its embedding beside the same images' pixels (in a worker)", async () => {
    const theory = new TheoryService(lab, oneHotEmbeddings, 'always');
    const svc = { api: { ...service.api, ...theory.handlers } };
    try {
      const r = await call('theoryYourData', { limit: 319, pixelSize: 8, kMax: 15 }, svc);
      expect(r.note).toBeNull();
      expect(r.spaces.map((s) => s.kind)).toEqual(['embedding', 'pixels']);
      const [emb, px] = r.spaces;
      expect(emb.data.labels).toEqual(px.data.labels);
      expect(px.dim).toBe(8 * 8 * 3);
      // The one-hot "embedding" separates classes far better than raw pixels.
      expect(Math.min(...emb.curve.testError)).toBeLessThan(Math.min(...px.curve.testError));
    } finally {
      await theory.close();
    }
  });
});
