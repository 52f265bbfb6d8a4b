import { errorMessage } from './errors.ts';

/**
 * One kind of request a view makes again and again (search as you type, reloads, a slider, the mouse):
 * keeps the latest result, its error and whether one is on its way. The newest request wins: at most one
 * is on its way, and while it runs only the newest follow-up is kept (older ones are dropped unsent), so
 * typing or dragging never floods the core, which answers one request at a time anyway.
 */
export class Request<T> {
  data = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private next: (() => Promise<T>) | null = null;
  private running = false;
  private generation = 0;

  run(fn: () => Promise<T>): void {
    this.next = fn;
    this.loading = true;
    if (!this.running) void this.pump();
  }

  /** Forgets the current result and drops anything queued or on its way. */
  reset(): void {
    this.generation++;
    this.next = null;
    this.data = null;
    this.error = null;
    this.loading = false;
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (this.next) {
      const fn = this.next;
      this.next = null;
      const gen = this.generation;
      this.error = null;
      try {
        const r = await fn();
        if (gen === this.generation) this.data = r;
      } catch (e) {
        if (gen === this.generation && !this.next) this.error = errorMessage(e);
      }
    }
    this.running = false;
    this.loading = false;
  }
}
