import { describe, expect, it } from 'vitest';
import { Request } from './request.svelte.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Request', () => {
  it('keeps one request on its way and only the newest follow-up', async () => {
    const request = new Request<number>();
    const started: number[] = [];
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    const req = (i: number) => () => {
      started.push(i);
      return gates[i].promise;
    };
    request.run(req(0));
    request.run(req(1));
    request.run(req(2));
    expect(started).toEqual([0]);
    expect(request.loading).toBe(true);
    gates[0].resolve(10);
    await gates[0].promise;
    await new Promise((r) => setTimeout(r, 0));
    expect(request.data).toBe(10);
    expect(started).toEqual([0, 2]);
    gates[2].resolve(12);
    await new Promise((r) => setTimeout(r, 0));
    expect(request.data).toBe(12);
    expect(request.loading).toBe(false);
  });

  it('reports the error of the newest request and forgets everything on reset', async () => {
    const request = new Request<number>();
    request.run(() => Promise.reject(new Error('M is not PSD')));
    await new Promise((r) => setTimeout(r, 0));
    expect(request.error).toBe('M is not PSD');
    const gate = deferred<number>();
    request.run(() => gate.promise);
    request.reset();
    gate.resolve(5);
    await new Promise((r) => setTimeout(r, 0));
    expect(request.data).toBeNull();
    expect(request.error).toBeNull();
  });

  it('clears an old error once a new request is sent, and stops loading on reset', async () => {
    const request = new Request<number>();
    request.run(() => Promise.reject(new Error('no model')));
    await new Promise((r) => setTimeout(r, 0));
    expect(request.error).toBe('no model');
    const gate = deferred<number>();
    request.run(() => gate.promise);
    expect(request.error).toBeNull();
    expect(request.loading).toBe(true);
    request.reset();
    expect(request.loading).toBe(false);
    request.run(() => Promise.resolve(7));
    expect(request.loading).toBe(true);
    gate.resolve(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(request.data).toBe(7);
    expect(request.loading).toBe(false);
  });

  it('drops an answer that a reset overtook, even when it fails', async () => {
    const request = new Request<number>();
    request.run(() => Promise.reject(new Error('late')));
    request.reset();
    await new Promise((r) => setTimeout(r, 0));
    expect(request.error).toBeNull();
    expect(request.data).toBeNull();
  });
});
