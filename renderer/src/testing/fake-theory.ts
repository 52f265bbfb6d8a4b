/**
 * Spec helper: a fake core whose Theory-lab methods are answered by core's own task functions
 * (after the same parameter validation), so specs see real rasters, curves and estimates.
 * The one renderer file that reaches past core/api, into core/service: it is never bundled.
 */
import { params, type MethodName, type Params, type Results } from '$api/contract.ts';
import type { TheoryResults } from '$api/theory-contract.ts';
import { boxOf, runTask, type TaskInput, type YourDataTask } from '../../../core/service/theory/tasks.ts';
import { labCore, type Handlers } from './fake-core.ts';

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

/** The spaces of a "Your data" answer, projected by core's own task from the given matrices. */
export function yourDataSpaces(task: YourDataTask): Results['theoryYourData']['spaces'] {
  const { spaces } = runTask({ method: 'yourDataProjection', params: task });
  return spaces.map((s) => ({ ...s, box: boxOf(s.data) }));
}
