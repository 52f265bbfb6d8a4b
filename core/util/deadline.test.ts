import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.ts';

describe('withDeadline', () => {
  it('passes on a result or an error that comes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no')), 1000, () => new Error('late'))).rejects.toThrow('no');
  });

  it('rejects with the timeout error when the work never ends', async () => {
    const never = new Promise<number>(() => {});
    await expect(withDeadline(never, 20, () => new Error('timed out'))).rejects.toThrow('timed out');
  });

  it('hands a result that comes after the deadline to onLate, so it can be released', async () => {
    let finish!: (v: string) => void;
    const work = new Promise<string>((r) => (finish = r));
    const late: string[] = [];
    await expect(
      withDeadline(
        work,
        10,
        () => new Error('timed out'),
        (v) => late.push(v),
      ),
    ).rejects.toThrow();
    finish('handle');
    await new Promise((r) => setTimeout(r, 0));
    expect(late).toEqual(['handle']);
  });
});
