/**
 * Spec helper: a fake core whose Theory-lab methods are answered by core's own task functions
 * (after the same parameter validation), so specs see real rasters, curves and estimates.
 */
import { params, type MethodName, type Params, type Results } from '../../../../core/api/contract.ts';
import { runTask, type TaskInput } from '../../../../core/api/theory-tasks.ts';
import type { TheoryResults } from '../../../../core/api/theory-contract.ts';
import { labCore, type Handlers } from '../../testing/fake-core.ts';

type TheoryMethod = keyof TheoryResults & MethodName;

const TASKS: TheoryMethod[] = [
  'theoryDataset',
  'theoryRegions',
  'theoryPosterior',
  'theoryErrorCurve',
  'theoryKde',
  'theoryCoverHart',
  'theoryCurseCurves',
  'theoryConcentration',
  'theoryNoiseDims',
];

function real<M extends TheoryMethod>(method: M): (p: Params<M>) => Results[M] {
  return (p) => runTask({ method, params: params[method].parse(p) } as TaskInput) as Results[M];
}

export function theoryCore(extra: Handlers = {}) {
  const handlers: Handlers = {};
  for (const m of TASKS) (handlers as Record<string, unknown>)[m] = real(m);
  return labCore(6, { ...handlers, ...extra }).core;
}
