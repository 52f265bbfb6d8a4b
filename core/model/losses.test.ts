import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { LOGIT_SCALE_INIT, LOGIT_SCALE_MAX, lossAndGrads, tripletFromDistances } from './losses.ts';
import type { LossOptions, Mining } from './loss-options.ts';
import { createRng } from '../util/random.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

const eye = (n: number) => Float32Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0));
const value = (o: LossOptions, img: number[][], txt: number[][], logScale = LOGIT_SCALE_INIT, pos?: Float32Array) =>
  lossAndGrads(
    o,
    Float32Array.from(img.flat()),
    Float32Array.from(txt.flat()),
    img.length,
    img[0].length,
    logScale,
    pos ?? eye(img.length),
  );

describe('losses on hand-made inputs', () => {
  it('N-pair: two orthogonal matched pairs give log(1 + e^-s) in both directions', () => {
    const r = value(
      { kind: 'npair' },
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
      Math.log(10),
    );
    expect(r.loss).toBeCloseTo(Math.log(1 + Math.exp(-10)), 6);
  });

  it('N-pair: the scale is clamped at ln 100 (no gradient beyond)', () => {
    const r = value(
      { kind: 'npair' },
      [
        [1, 0],
        [0.6, 0.8],
      ],
      [
        [0.8, 0.6],
        [0, 1],
      ],
      LOGIT_SCALE_MAX + 1,
    );
    const atMax = value(
      { kind: 'npair' },
      [
        [1, 0],
        [0.6, 0.8],
      ],
      [
        [0.8, 0.6],
        [0, 1],
      ],
      LOGIT_SCALE_MAX,
    );
    expect(r.loss).toBeCloseTo(atMax.loss, 6);
    expect(r.dLogScale).toBe(0);
    expect(atMax.dLogScale).not.toBe(0);
  });

  it('N-pair: identical texts count as positives (soft targets)', () => {
    // Both images match both (identical) texts equally: with targets spread over the two positives the loss is log 2.
    const pos = Float32Array.from([1, 1, 1, 1]);
    const r = value(
      { kind: 'npair' },
      [
        [1, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [1, 0],
      ],
      Math.log(10),
      pos,
    );
    expect(r.loss).toBeCloseTo(Math.log(2), 6);
  });

  it('contrastive: positive d² plus hinged negative m − d², each averaged', () => {
    // d²: (i0,t0)=0, (i0,t1)=0, (i1,t0)=2, (i1,t1)=2 → positives (0+2)/2 = 1, negatives (max(0,1−0) + max(0,1−2))/2 = 0.5.
    const r = value(
      { kind: 'contrastive', margin: 1 },
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 0],
      ],
    );
    expect(r.loss).toBeCloseTo(1.5, 6);
  });

  it('triplet with the hardest negative, both directions', () => {
    // Image anchors: 0.2 and 0.2; text anchors: max(0−2+0.2, 0) = 0 and 2−0+0.2 = 2.2 → (0.2 + 1.1)/2.
    const r = value(
      { kind: 'triplet', mining: 'hardest', margin: 0.2 },
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 0],
      ],
    );
    expect(r.loss).toBeCloseTo(0.65, 6);
    expect(r.dLogScale).toBe(0);
  });

  it('triplet mining picks the negative FaceNet describes', () => {
    // One anchor, positive at d² = 1; negatives at 0.5 (harder than the positive), 1.1 and 1.15 (semi-hard), 3 (easy).
    const d2 = tf.tensor2d([[1, 0.5, 1.1, 1.15, 3]]);
    const pos = [[1, 0, 0, 0, 0]];
    const loss = (m: Mining) => tf.tidy(() => tripletFromDistances(d2, pos, 0.2, m).dataSync()[0]);
    expect(loss('semihard')).toBeCloseTo(1 - 1.1 + 0.2, 5);
    expect(loss('hardest')).toBeCloseTo(1 - 0.5 + 0.2, 5);
    // Batch-all: active triplets 0.7 (0.5), 0.1 (1.1), 0.05 (1.15), averaged over the three.
    expect(loss('all')).toBeCloseTo((0.7 + 0.1 + 0.05) / 3, 5);
    // No semi-hard negative (all closer than the positive): the farthest negative is used.
    const closer = tf.tensor2d([[1, 0.3, 0.6]]);
    expect(tf.tidy(() => tripletFromDistances(closer, [[1, 0, 0]], 0.2, 'semihard').dataSync()[0])).toBeCloseTo(
      1 - 0.6 + 0.2,
      5,
    );
    tf.dispose([d2, closer]);
  });
});

// Float64 reference implementations of the same formulas, for finite differences.
type M = number[][];
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const d2 = (img: M, txt: M) => img.map((a) => txt.map((b) => 2 - 2 * dot(a, b)));
const tr = (m: M) => m[0].map((_, j) => m.map((r) => r[j]));

function refNpair(img: M, txt: M, s: number, pos: M): number {
  const scale = Math.exp(Math.min(s, LOGIT_SCALE_MAX));
  const dir = (logits: M, p: M) =>
    logits.reduce((acc, row, i) => {
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((t, v) => t + Math.exp(v - max), 0));
      const np = p[i].reduce((t, v) => t + v, 0);
      return acc - row.reduce((t, v, j) => t + (p[i][j] / np) * (v - lse), 0);
    }, 0) / logits.length;
  const logits = img.map((a) => txt.map((b) => scale * dot(a, b)));
  return (dir(logits, pos) + dir(tr(logits), tr(pos))) / 2;
}

function refContrastive(img: M, txt: M, m: number, pos: M): number {
  const d = d2(img, txt);
  let ps = 0,
    pn = 0,
    ns = 0,
    nn = 0;
  d.forEach((row, i) => row.forEach((v, j) => (pos[i][j] ? ((ps += v), pn++) : ((ns += Math.max(0, m - v)), nn++))));
  return ps / Math.max(pn, 1) + ns / Math.max(nn, 1);
}

function refTripletOneWay(d: M, pos: M, m: number, mining: Mining): number {
  let total = 0,
    count = 0,
    active = 0;
  d.forEach((row, a) =>
    row.forEach((dap, p) => {
      if (!pos[a][p]) return;
      const negs = row.filter((_, j) => !pos[a][j]);
      if (mining === 'all') {
        for (const dan of negs) {
          const l = Math.max(dap - dan + m, 0);
          total += l;
          if (l > 1e-12) active++;
        }
        return;
      }
      count++;
      if (negs.length === 0) return;
      let dan: number;
      if (mining === 'hardest') dan = Math.min(...negs);
      else {
        const farther = negs.filter((v) => v > dap);
        dan = farther.length ? Math.min(...farther) : Math.max(...negs);
      }
      total += Math.max(dap - dan + m, 0);
    }),
  );
  return mining === 'all' ? total / Math.max(active, 1) : total / count;
}

const refTriplet = (img: M, txt: M, m: number, mining: Mining, pos: M) => {
  const d = d2(img, txt);
  return (refTripletOneWay(d, pos, m, mining) + refTripletOneWay(tr(d), tr(pos), m, mining)) / 2;
};

function refLoss(o: LossOptions, img: M, txt: M, s: number, pos: M): number {
  if (o.kind === 'npair') return refNpair(img, txt, s, pos);
  if (o.kind === 'contrastive') return refContrastive(img, txt, o.margin ?? 1, pos);
  return refTriplet(img, txt, o.margin ?? 0.2, o.mining ?? 'semihard', pos);
}

function randomUnitRows(n: number, d: number, rand: () => number): M {
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, () => rand() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('loss gradients match finite differences of a float64 reference', () => {
  const cases: LossOptions[] = [
    { kind: 'npair' },
    { kind: 'contrastive', margin: 1 },
    { kind: 'triplet', mining: 'all', margin: 0.5 },
    { kind: 'triplet', mining: 'hardest', margin: 0.5 },
    { kind: 'triplet', mining: 'semihard', margin: 0.5 },
  ];
  it.each(cases)('%o', (o) => {
    const rand = createRng(17).next;
    const n = 5;
    const d = 4;
    const img = randomUnitRows(n, d, rand);
    const txt = randomUnitRows(n, d, rand);
    const posM = img.map((_, i) =>
      img.map((__, j) => (i === j || (i === 0 && j === 3) || (i === 3 && j === 0) ? 1 : 0)),
    );
    const s = 1.3;
    const r = lossAndGrads(
      o,
      Float32Array.from(img.flat()),
      Float32Array.from(txt.flat()),
      n,
      d,
      s,
      Float32Array.from(posM.flat()),
    );
    expect(r.loss).toBeCloseTo(refLoss(o, img, txt, s, posM), 4);
    const eps = 1e-6;
    const check = (which: 'img' | 'txt', grad: Float32Array) => {
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) {
          const plus = structuredClone(which === 'img' ? img : txt);
          const minus = structuredClone(plus);
          plus[i][j] += eps;
          minus[i][j] -= eps;
          const fd =
            ((which === 'img' ? refLoss(o, plus, txt, s, posM) : refLoss(o, img, plus, s, posM)) -
              (which === 'img' ? refLoss(o, minus, txt, s, posM) : refLoss(o, img, minus, s, posM))) /
            (2 * eps);
          worst = Math.max(worst, Math.abs(fd - grad[i * d + j]));
          scale = Math.max(scale, Math.abs(fd));
        }
      }
      expect(scale).toBeGreaterThan(0);
      expect(worst / scale).toBeLessThan(1e-3);
    };
    check('img', r.dImg);
    check('txt', r.dTxt);
    if (o.kind === 'npair') {
      const fd = (refLoss(o, img, txt, s + eps, posM) - refLoss(o, img, txt, s - eps, posM)) / (2 * eps);
      expect(r.dLogScale).toBeCloseTo(fd, 4);
    }
  });
});
