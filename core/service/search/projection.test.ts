import { describe, expect, it } from 'vitest';
import { useEmbeddedLab } from '../testing/embedded-lab.ts';
import { projection } from './projection.ts';

const fx = useEmbeddedLab();

describe('projection', () => {
  it('maps a seeded sample of images and captions, the same every time', () => {
    const o = { method: 'pca', modality: 'both', limit: 20 } as const;
    const a = projection(fx.ctx, o);
    expect(a.points).toHaveLength(20);
    expect(a.points.filter((p) => p.kind === 'image')).toHaveLength(10);
    for (const p of a.points.filter((q) => q.kind === 'caption')) expect(p.text).toMatch(/^a \w+ \w+$/);
    expect(a.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    expect(projection(fx.ctx, o)).toEqual(a);
  });

  it('separates the classes on the first principal axes', () => {
    const r = projection(fx.ctx, { method: 'pca', modality: 'image', limit: 1000 });
    const centre = (label: string) => {
      const ps = r.points.filter((p) => p.label === label);
      return [ps.reduce((s, p) => s + p.x, 0) / ps.length, ps.reduce((s, p) => s + p.y, 0) / ps.length];
    };
    const [a, b] = [centre('square'), centre('disc')];
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThan(0.5);
  });
});
