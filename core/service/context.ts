import type { ApiEvent } from '../api/contract.ts';
import type { Lab } from '../store/lab.ts';
import type { JobManager } from './jobs.ts';
import type { SearchContext } from './search/context.ts';

/** What the handler groups of one service share: the lab, its jobs, its search caches and the event stream. */
export interface ServiceContext {
  lab: Lab;
  jobs: JobManager;
  search: SearchContext;
  emit(e: ApiEvent): void;
}
