import { bounded } from '../bounded.js';
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
 * Nobody waits for it, or holds it, longer than `limit` ms (a holder in a frozen tab never
 * lets go: its timers do not run); `lifetime` aborts waiting and holding.
 */
export function createCrossTabLock(name: string, limit: number, lifetime: AbortSignal): RefreshLock {
  // No other tabs to coordinate with (SSR, Node): the task still stops when the session is disposed.
  if (!globalThis.navigator?.locks) return { run: (task) => task(lifetime) };
  const givenUp = () => new TokenwardError(lifetime.aborted ? 'disposed' : 'timeout', 'refresh lock given up');
  const bound = () => AbortSignal.any([AbortSignal.timeout(limit), lifetime]);
  return {
    run<T>(task: (signal: AbortSignal) => Promise<T>) {
      const wait = bound();
      let signal: AbortSignal;
      // The DOM typings wrap the callback's promise once more; at run time it resolves to T.
      return (navigator.locks.request(`${name}:refresh`, { signal: wait }, () => bounded(task((signal = bound())), signal, givenUp)) as Promise<T>).catch(
        (error: unknown) => {
          throw error === wait.reason ? givenUp() : error;
        },
      );
    },
  };
}
