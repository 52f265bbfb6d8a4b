import type { NearlabClient } from '$api/client.ts';
import type { ModelSummary } from '$api/contract.ts';
import { errorMessage } from './errors.ts';

/** The lab's trained models, refreshed when a training job changes state or the lab changes. */
export class ModelsStore {
  models = $state.raw<ModelSummary[]>([]);
  error = $state<string | null>(null);
  loaded = $state(false);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only: nothing renders from it
  private lastStatus = new Map<string, string>();

  constructor(private readonly client: NearlabClient) {}

  start(): () => void {
    const off = this.client.subscribe((e) => {
      if (e.type === 'lab-changed') void this.refresh();
      else if (e.job.kind === 'train' || e.job.kind === 'embed') {
        // Refresh when a run appears or ends, not on every progress tick.
        if (this.lastStatus.get(e.job.id) !== e.job.status) {
          this.lastStatus.set(e.job.id, e.job.status);
          void this.refresh();
        }
      }
    });
    void this.refresh();
    return off;
  }

  async refresh(): Promise<void> {
    try {
      const { models } = await this.client.api.models({});
      this.models = [...models].sort((a, b) => b.id - a.id);
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Models that search and classification can use. */
  get usable(): ModelSummary[] {
    return this.models.filter((m) => m.status === 'done');
  }
}
