import { errorMessage } from '../../lib/errors.ts';

/**
 * Requests driven by a slider or the mouse: at most one is on its way, and while it runs only the
 * newest follow-up is kept (older ones are dropped unsent), so dragging never floods the core.
 */
export class Latest<T> {
  data = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private next: (() => Promise<T>) | null = null;
  private running = false;
  private generation = 0;

  run(fn: () => Promise<T>): void {
    this.next = fn;
    if (!this.running) void this.pump();
  }

  /** Forgets the current result and drops anything queued or on its way. */
  reset(): void {
    this.generation++;
    this.next = null;
    this.data = null;
    this.error = null;
  }

  private async pump(): Promise<void> {
    this.running = true;
    this.loading = true;
    while (this.next) {
      const fn = this.next;
      this.next = null;
      const gen = this.generation;
      try {
        const r = await fn();
        if (gen === this.generation) {
          this.data = r;
          this.error = null;
        }
      } catch (e) {
        if (gen === this.generation && !this.next) this.error = errorMessage(e);
      }
    }
    this.running = false;
    this.loading = false;
  }
}
