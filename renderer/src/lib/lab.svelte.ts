import type { NearlabClient } from '$api/client.ts';
import type { Results } from '$api/contract.ts';
import { errorMessage } from './errors.ts';
import { labelPalette } from './label-colors.ts';

/** How often counts are refreshed while an import runs, so the grid visibly fills. */
const LIVE_REFRESH_MS = 1500;

/** The lab's counts (info), refreshed when the lab changes and now and then during an import. */
export class LabStore {
  info = $state.raw<Results['info'] | null>(null);
  error = $state<string | null>(null);
  /** Bumped on every refresh: views that list items reload when it changes. */
  version = $state(0);
  private lastLive = 0;

  constructor(
    private readonly client: NearlabClient,
    private readonly liveRefreshMs = LIVE_REFRESH_MS,
  ) {}

  start(): () => void {
    const off = this.client.subscribe((e) => {
      if (e.type === 'lab-changed') void this.refresh();
      else if (e.job.kind === 'import' && e.job.status === 'running') {
        const now = Date.now();
        if (now - this.lastLive >= this.liveRefreshMs) {
          this.lastLive = now;
          void this.refresh();
        }
      }
    });
    void this.refresh();
    return off;
  }

  async refresh(): Promise<void> {
    try {
      this.info = await this.client.api.info({});
      this.error = null;
      this.version++;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** The colour of a label in every view (see labelPalette); grey for no label. */
  readonly labelColor = $derived(labelPalette(Object.keys(this.info?.labels ?? {})));

  /** Label names, most frequent first. */
  get labels(): string[] {
    const labels = this.info?.labels ?? {};
    return Object.keys(labels).sort((a, b) => labels[b] - labels[a] || a.localeCompare(b));
  }
}
