import { describe, expect, it } from 'vitest';
import { knnUncertainty, nearestDistances, selectToLabel, topMargin, zeroShotUncertainty } from './active.ts';
import { fromRows } from './matrix.ts';
import { buildZeroShotClasses } from './zeroshot.ts';

/** Unit vectors at these angles (degrees): their cosine distance is 1 − cos(difference). */
const at = (...degrees: number[]) =>
  fromRows(degrees.map((d) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]));
const gap = (degrees: number) => 1 - Math.cos((degrees * Math.PI) / 180);

describe('topMargin', () => {
  it('is the first minus the second largest probability', () => {
    expect(topMargin([0.1, 0.6, 0.3])).toBeCloseTo(0.3, 12);
    expect(topMargin([1])).toBe(1);
    expect(topMargin([0.5, 0.5])).toBe(0);
    expect(topMargin([])).toBe(0);
  });
});

describe('uncertainty', () => {
  const labeled = at(0, 10, 80, 90);
  const labels = ['a', 'a', 'b', 'b'];

  it('k-NN: the share of the top class minus the second among the k labeled neighbours', () => {
    const [near, middle] = knnUncertainty(at(5, 45), labeled, labels, 2);
    expect(near).toEqual({ suggested: 'a', margin: 1, probabilities: { a: 1, b: 0 } });
    // 45° has 10° (a) and 80° (b) as its two nearest: a tie, settled for the class that sorts first.
    expect(middle).toEqual({ suggested: 'a', margin: 0, probabilities: { a: 0.5, b: 0.5 } });
    const [three] = knnUncertainty(at(20), labeled, labels, 3);
    expect(three.margin).toBeCloseTo(1 / 3, 12);
  });

  it('k-NN refuses a k larger than the labeled set', () => {
    expect(() => knnUncertainty(at(5), labeled, labels, 5)).toThrow(/k = 5 is larger than the 4 labeled items/);
  });

  it('zero-shot: the margin of softmax(scale · cosine)', () => {
    const classes = buildZeroShotClasses({ a: [at(0).data], b: [at(90).data] });
    const [onA, between] = zeroShotUncertainty(at(0, 45), classes, 10);
    // p = softmax(10, 0): margin = (e¹⁰ − 1)/(e¹⁰ + 1) = tanh(5).
    expect(onA.suggested).toBe('a');
    expect(onA.margin).toBeCloseTo(Math.tanh(5), 6);
    expect(between.margin).toBeCloseTo(0, 6);
  });
});

describe('nearestDistances', () => {
  it('is the cosine distance to the nearest labeled row, Infinity without any', () => {
    const d = nearestDistances(at(30, 100), at(0, 90));
    expect(d[0]).toBeCloseTo(gap(30), 6);
    expect(d[1]).toBeCloseTo(gap(10), 6);
    expect(Array.from(nearestDistances(at(30), null))).toEqual([Infinity]);
  });
});

describe('selectToLabel', () => {
  it("'margin': smallest margin first, equal margins nearer the labeled rows first", () => {
    const picks = selectToLabel({
      candidates: at(10, 170, 90, 45),
      labeled: at(0),
      strategy: 'margin',
      n: 4,
      margins: [0, 0, 0.5, 0.2],
    });
    // 10° and 170° tie at margin 0: 10° is nearer the labeled 0°.
    expect(picks.map((p) => p.index)).toEqual([0, 1, 3, 2]);
    expect(picks.map((p) => p.score)).toEqual([1, 1, 0.8, 0.5]);
    expect(picks.every((p) => p.reason === 'margin')).toBe(true);
  });

  it("'diverse': greedy farthest-point sampling from the labeled rows, scores relative to the first distance", () => {
    const picks = selectToLabel({ candidates: at(20, 90, 180, 150, 100), labeled: at(0), strategy: 'diverse', n: 5 });
    // 180° (2 from 0°), then 90° (1 from both), then 150° (30° from 180°), 20° (20° from 0°), 100° (10° from 90°).
    expect(picks.map((p) => p.index)).toEqual([2, 1, 3, 0, 4]);
    const expected = [2, 1, gap(30), gap(20), gap(10)].map((d) => d / 2);
    picks.forEach((p, i) => expect(p.score).toBeCloseTo(expected[i], 5));
    expect(picks.every((p) => p.reason === 'diverse')).toBe(true);
  });

  it("'diverse' with nothing labeled starts from the candidate farthest from the mean direction", () => {
    const picks = selectToLabel({ candidates: at(0, 10, 20, 180), labeled: null, strategy: 'diverse', n: 4 });
    expect(picks.map((p) => p.index)).toEqual([3, 0, 2, 1]);
    expect(picks[0].score).toBe(1);
    expect(picks[1].score).toBe(1);
    expect(picks[2].score).toBeCloseTo(gap(20) / 2, 5);
  });

  it("'mixed' alternates margin and diverse picks without repeats; a diverse pick keeps away from margin picks", () => {
    const picks = selectToLabel({
      candidates: at(180, 90, 100, 20),
      labeled: at(0),
      strategy: 'mixed',
      n: 10,
      margins: [0, 0.5, 0.9, 0.1],
    });
    // Margin: 180°; diverse: 90° (1 from 0° and 180°, while 180° itself is taken); margin: 20°; diverse: 100°.
    expect(picks.map((p) => [p.index, p.reason])).toEqual([
      [0, 'margin'],
      [1, 'diverse'],
      [3, 'margin'],
      [2, 'diverse'],
    ]);
    expect(picks[1].score).toBe(1);
    expect(picks[3].score).toBeCloseTo(gap(10), 5);
  });

  it('needs margins for margin and mixed, and a positive n', () => {
    expect(() => selectToLabel({ candidates: at(1), labeled: null, strategy: 'margin', n: 1 })).toThrow(
      /needs one margin per candidate/,
    );
    expect(() => selectToLabel({ candidates: at(1), labeled: null, strategy: 'diverse', n: 0 })).toThrow(/positive/);
  });
});
