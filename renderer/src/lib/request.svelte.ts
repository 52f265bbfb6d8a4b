import { errorMessage } from './errors.ts';

/**
 * One kind of request a view makes again and again (search as you type, reloads): keeps the latest
 * result, its error and whether one is on its way, and drops answers that a newer request overtook.
 */
export class Request<T> {
  data = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private seq = 0;

  async run(fn: () => Promise<T>): Promise<T | undefined> {
    const mine = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const r = await fn();
      if (mine === this.seq) this.data = r;
      return r;
    } catch (e) {
      if (mine === this.seq) this.error = errorMessage(e);
      return undefined;
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }

  reset(): void {
    this.seq++;
    this.data = null;
    this.error = null;
    this.loading = false;
  }
}
