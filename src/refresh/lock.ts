import { TokenwardError } from '../errors.js';

/**
 * Who may refresh. Within one tab, single flight already serialises refreshes; across tabs
 * the lock makes the whole read-vault / call-server / write-vault sequence exclusive, so
 * that one expiry costs one network refresh and no refresh token is presented twice.
 * The task gets a signal that aborts when the hold time runs out or the session is disposed.
 */
export interface RefreshLock {
  run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/**
 * A lock shared by every tab of the origin: the Web Locks API, which the browser releases by
 * itself when the holding tab closes or crashes. Every browser with `AbortSignal.any` (which
 * the SDK needs anyway) has it; elsewhere the vault re-read under the lock is the only guard.
 * A holder never keeps it longer than `holdTimeout` ms; `lifetime` aborts waiting and holding.
 */
export function createCrossTabLock(name: string, holdTimeout: number, lifetime: AbortSignal): RefreshLock {
  // No other tabs to coordinate with (SSR, Node): the task still stops when the session is disposed.
  if (typeof navigator === 'undefined' || !navigator.locks) return { run: (task) => task(lifetime) };
  return {
    // The DOM typings wrap the callback's promise once more; at run time it resolves to T.
    run: <T>(task: (signal: AbortSignal) => Promise<T>) =>
      navigator.locks.request(`${name}:refresh`, { signal: lifetime }, () => holdBounded(task, holdTimeout, lifetime)) as Promise<T>,
  };
}

/** Runs the task but gives up (and aborts it) after `limit` ms, so a stuck holder cannot block every tab. */
function holdBounded<T>(task: (signal: AbortSignal) => Promise<T>, limit: number, lifetime: AbortSignal): Promise<T> {
  const signal = AbortSignal.any([AbortSignal.timeout(limit), lifetime]);
  const released = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new TokenwardError(lifetime.aborted ? 'disposed' : 'timeout', 'refresh lock released')), {
      once: true,
    }),
  );
  return Promise.race([task(signal), released]);
}
