import { describe, expect, it } from 'vitest';
import { AdamW, learningRate } from './optim.ts';
import { ParamLayout } from './params.ts';

describe('AdamW', () => {
  const layout = new ParamLayout([
    { name: 'w', shape: [2], init: { kind: 'ones' }, trainable: true, decay: true },
    { name: 'b', shape: [1], init: { kind: 'ones' }, trainable: true, decay: false },
    { name: 'buf', shape: [1], init: { kind: 'ones' }, trainable: false, decay: false },
  ]);

  it('first step moves each trainable value by lr·sign(g), decays only decayed weights, leaves buffers', () => {
    const p = layout.init(0);
    const opt = new AdamW(layout, { weightDecay: 0.1 });
    opt.step(p, Float32Array.from([0.5, -2, 3, 7]), 0.01);
    // Bias-corrected m/√v = sign(g) on the first step (up to eps).
    expect(p[0]).toBeCloseTo(1 * (1 - 0.01 * 0.1) - 0.01, 6);
    expect(p[1]).toBeCloseTo(1 * (1 - 0.01 * 0.1) + 0.01, 6);
    expect(p[2]).toBeCloseTo(1 - 0.01, 6);
    expect(p[3]).toBe(1);
    expect(opt.state.t).toBe(1);
  });

  it('continues identically from a saved state', () => {
    const a = layout.init(0);
    const optA = new AdamW(layout, { weightDecay: 0.1 });
    const g = Float32Array.from([0.3, -0.1, 0.2, 0]);
    for (let i = 0; i < 3; i++) optA.step(a, g, 0.01);
    const b = layout.init(0);
    const optB = new AdamW(layout, { weightDecay: 0.1 });
    optB.step(b, g, 0.01);
    const optC = new AdamW(
      layout,
      { weightDecay: 0.1 },
      { t: optB.state.t, m: optB.state.m.slice(), v: optB.state.v.slice() },
    );
    for (let i = 0; i < 2; i++) optC.step(b, g, 0.01);
    expect(b).toEqual(a);
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, peaks, then decays by a cosine to the floor', () => {
    const lr = (s: number) => learningRate(s, 100, 1, 10, 0.01);
    expect(lr(0)).toBeCloseTo(0.1);
    expect(lr(9)).toBeCloseTo(1);
    expect(lr(10)).toBeCloseTo(1);
    expect(lr(55)).toBeCloseTo(0.01 + 0.99 * 0.5, 6);
    expect(lr(100)).toBeCloseTo(0.01);
    for (let s = 11; s < 100; s++) expect(lr(s)).toBeLessThanOrEqual(lr(s - 1));
  });
});
