import type { Progress } from '../api/types.ts';

/** Tracks throughput over a sliding window, so the rate follows the recent speed rather than the whole run's. */
export class RateMeter {
  private readonly samples: { t: number; done: number }[] = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  measure(phase: string, done: number, total: number): Progress {
    const t = this.clock();
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    const rate = dt > 0 ? (done - first.done) / dt : 0;
    const etaSeconds = rate > 0 ? (total - done) / rate : null;
    return { phase, done, total, rate, etaSeconds };
  }
}
