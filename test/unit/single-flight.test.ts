import { describe, expect, it, vi } from 'vitest';
import { singleFlight } from '../../src/refresh/single-flight.js';

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('lets concurrent callers share one run', async () => {
    const run = deferred<string>();
    const task = vi.fn(() => run.promise);
    const shared = singleFlight(task);
    const calls = [shared(), shared(), shared()];
    expect(task).toHaveBeenCalledOnce();
    expect(calls[1]).toBe(calls[0]);
    expect(calls[2]).toBe(calls[0]);
    run.resolve('token');
    await expect(Promise.all(calls)).resolves.toEqual(['token', 'token', 'token']);
    expect(task).toHaveBeenCalledOnce();
  });

  it('starts a new run once the previous one settled', async () => {
    let count = 0;
    const task = vi.fn(async () => ++count);
    const shared = singleFlight(task);
    await expect(shared()).resolves.toBe(1);
    await expect(shared()).resolves.toBe(2);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('shares a rejection with every caller of that run, then runs again', async () => {
    const failing = deferred<string>();
    const task = vi.fn().mockReturnValueOnce(failing.promise).mockResolvedValueOnce('second');
    const shared = singleFlight<string>(task);
    const first = shared();
    const second = shared();
    const boom = new Error('refresh failed');
    failing.reject(boom);
    await expect(first).rejects.toBe(boom);
    await expect(second).rejects.toBe(boom);
    expect(task).toHaveBeenCalledOnce();
    await expect(shared()).resolves.toBe('second');
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('joins the run in flight from a caller that arrives while it is running', async () => {
    const run = deferred<number>();
    const task = vi.fn(() => run.promise);
    const shared = singleFlight(task);
    const early = shared();
    await Promise.resolve();
    const late = shared();
    expect(late).toBe(early);
    run.resolve(7);
    await expect(late).resolves.toBe(7);
    expect(task).toHaveBeenCalledOnce();
  });
});
