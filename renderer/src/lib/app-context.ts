import { getContext, setContext } from 'svelte';
import type { NearlabClient } from '$api/client.ts';
import type { ItemCache } from './items.svelte.ts';
import type { JobsStore } from './jobs.svelte.ts';
import type { LabStore } from './lab.svelte.ts';
import type { ModelsStore } from './models.svelte.ts';
import type { Router } from './router.svelte.ts';
import type { ViewMemory } from './view-memory.svelte.ts';

/** What every view shares: the API client and the live stores built on it. */
export interface AppContext {
  client: NearlabClient;
  lab: LabStore;
  jobs: JobsStore;
  models: ModelsStore;
  items: ItemCache;
  router: Router;
  /** Each view's settings, kept across view switches. */
  views: ViewMemory;
}

export const APP_CONTEXT = Symbol('nearlab-app');

export function provideApp(app: AppContext): void {
  setContext(APP_CONTEXT, app);
}

export function useApp(): AppContext {
  const app = getContext<AppContext | undefined>(APP_CONTEXT);
  if (!app)
    throw new Error('useApp() outside the Nearlab app: render the component inside <App> or give it the context');
  return app;
}
