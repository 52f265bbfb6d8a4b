/** The toy data sets offered by the Playground and the KDE view. */
import type { Shape } from './types.ts';

export type ShapeId = 'blobs' | 'xor' | 'moons' | 'rings';

export interface ShapePreset {
  id: ShapeId;
  name: string;
  /** The generator, given the noise / spread level (0 … 1 on the slider). */
  shape: (level: number) => Shape;
}

const cov = (s: number): [number, number, number, number] => [s * s, 0, 0, s * s];

export const SHAPES: ShapePreset[] = [
  {
    id: 'blobs',
    name: 'Gaussian mixture (3 classes)',
    shape: (level) => ({ kind: 'blobs', numClasses: 3, radius: 2, spread: 0.3 + 1.4 * level, noise: 0 }),
  },
  {
    id: 'xor',
    name: 'Gaussian mixture (XOR, 2 classes)',
    shape: (level) => ({
      kind: 'mixture',
      components: [
        { mean: [-1.5, -1.5], cov: cov(0.3 + level), label: 0 },
        { mean: [1.5, 1.5], cov: cov(0.3 + level), label: 0 },
        { mean: [-1.5, 1.5], cov: cov(0.3 + level), label: 1 },
        { mean: [1.5, -1.5], cov: cov(0.3 + level), label: 1 },
      ],
      numClasses: 2,
      noise: 0,
    }),
  },
  { id: 'moons', name: 'Two moons', shape: (level) => ({ kind: 'moons', noise: 0.02 + 0.5 * level }) },
  {
    id: 'rings',
    name: 'Concentric rings',
    shape: (level) => ({ kind: 'rings', numClasses: 2, noise: 0.02 + 0.6 * level }),
  },
];

export function shapeById(id: ShapeId): ShapePreset {
  return SHAPES.find((s) => s.id === id) ?? SHAPES[0];
}

/** Class names shown in legends: "class 1", "class 2", … */
export function classNames(count: number): string[] {
  return Array.from({ length: count }, (_, c) => `class ${c + 1}`);
}
