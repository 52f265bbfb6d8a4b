import type { JobState } from '$api/contract.ts';

type Detail = NonNullable<JobState['progress']>['detail'];

/** 'epoch 2/20' from a training job's progress detail (its epoch is 0-based), or null before it says. */
export function epochText(detail: Detail | undefined): string | null {
  const epoch = detail?.epoch;
  const epochs = detail?.epochs;
  if (typeof epoch !== 'number' || typeof epochs !== 'number') return null;
  return `epoch ${Math.min(epoch + 1, epochs)}/${epochs}`;
}

/** 'Training model 3 (epoch 2/20)…': what a running training job is doing, for views that wait on it. */
export function trainingText(job: JobState): string {
  const detail = job.progress?.detail;
  const model = typeof detail?.modelId === 'number' ? `model ${detail.modelId}` : 'a model';
  const epoch = epochText(detail);
  return `Training ${model}${epoch ? ` (${epoch})` : ''}…`;
}
