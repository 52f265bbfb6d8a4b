import type { JobState, Results } from '$api/contract.ts';

type History = Results['modelHistory'];
export type Step = History['steps'][number];

/**
 * The optimizer step a training job's progress event reports for run `modelId`, numbered as the stored history
 * numbers them (the event counts the steps done, the history the step's index); null when it reports none.
 */
export function stepOf(job: JobState, modelId: number): Step | null {
  const p = job.progress;
  const d = p?.detail;
  if (job.kind !== 'train' || !p || d?.modelId !== modelId || typeof d.loss !== 'number' || p.done < 1) return null;
  return { step: p.done - 1, epoch: typeof d.epoch === 'number' ? d.epoch : 0, loss: d.loss };
}

/** The steps seen live that come after the last stored one (core stores steps in batches). */
export function unstored(history: History | null, live: readonly Step[]): Step[] {
  const last = history?.steps.at(-1)?.step ?? -Infinity;
  return live.filter((s) => s.step > last);
}

/** The stored history with the steps seen live appended. */
export function withLiveSteps(history: History, live: readonly Step[]): History {
  const extra = unstored(history, live);
  return extra.length === 0 ? history : { ...history, steps: [...history.steps, ...extra] };
}
