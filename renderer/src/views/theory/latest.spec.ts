import { describe, expect, it } from 'vitest';
import { Latest } from './latest.svelte.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Latest', () => {
  it('keeps one request on its way and only the newest follow-up', async () => {
    const latest = new Latest<number>();
    const started: number[] = [];
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    const req = (i: number) => () => {
      started.push(i);
      return gates[i].promise;
    };
    latest.run(req(0));
    latest.run(req(1));
    latest.run(req(2));
    expect(started).toEqual([0]);
    expect(latest.loading).toBe(true);
    gates[0].resolve(10);
    await gates[0].promise;
    await new Promise((r) => setTimeout(r, 0));
    expect(latest.data).toBe(10);
    expect(started).toEqual([0, 2]);
    gates[2].resolve(12);
    await new Promise((r) => setTimeout(r, 0));
    expect(latest.data).toBe(12);
    expect(latest.loading).toBe(false);
  });

  it('reports the error of the newest request and forgets everything on reset', async () => {
    const latest = new Latest<number>();
    latest.run(() => Promise.reject(new Error('M is not PSD')));
    await new Promise((r) => setTimeout(r, 0));
    expect(latest.error).toBe('M is not PSD');
    const gate = deferred<number>();
    latest.run(() => gate.promise);
    latest.reset();
    gate.resolve(5);
    await new Promise((r) => setTimeout(r, 0));
    expect(latest.data).toBeNull();
    expect(latest.error).toBeNull();
  });
});
