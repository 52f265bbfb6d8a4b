import type { ModelSummary } from '$api/contract.ts';

/** '#3 npair': the run's number and name, without repeating the number when the name has it. */
export function runName(m: Pick<ModelSummary, 'id' | 'name'>): string {
  return m.name.startsWith(`#${m.id}`) ? m.name : `#${m.id} ${m.name}`;
}
