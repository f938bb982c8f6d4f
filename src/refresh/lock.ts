import { BroadcastChannel, createLeaderElection } from 'broadcast-channel';
import { TokenwardError } from '../errors.js';

/**
 * Who may refresh. Within one tab, single flight already serialises refreshes; across tabs
 * the lock makes the whole read-vault / call-server / write-vault sequence exclusive, so
 * that one expiry costs one network refresh and no refresh token is presented twice.
 * The task gets a signal that aborts when the hold time runs out or the session is disposed.
 */
export interface RefreshLock {
  run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  close(): void;
}

/** For a session with no other tabs to coordinate with (SSR, Node). */
export const noLock: RefreshLock = {
  run: (task) => task(new AbortController().signal),
  close: () => undefined,
};

/**
 * A lock shared by every tab of the origin: the Web Locks API, which the browser releases by
 * itself when the holding tab closes or crashes. Where it is missing, broadcast-channel's
 * leader election stands in (best effort: the vault re-read under the lock catches the rest).
 * A holder never keeps it longer than `holdTimeout` ms; `lifetime` aborts waiting and holding.
 */
export function createCrossTabLock(name: string, holdTimeout: number, lifetime: AbortSignal): RefreshLock {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return {
      // The DOM typings wrap the callback's promise once more; at run time it resolves to T.
      run: <T>(task: (signal: AbortSignal) => Promise<T>) =>
        navigator.locks.request(`${name}:refresh`, { signal: lifetime }, () => holdBounded(task, holdTimeout, lifetime)) as Promise<T>,
      close: () => undefined,
    };
  }
  const channel = new BroadcastChannel(`${name}:leader`);
  const elector = createLeaderElection(channel);
  return {
    async run(task) {
      await Promise.race([elector.awaitLeadership(), delay(holdTimeout, lifetime)]);
      return holdBounded(task, holdTimeout, lifetime);
    },
    close() {
      void elector.die().then(() => channel.close());
    },
  };
}

/** Runs the task but gives up (and aborts it) after `limit` ms, so a stuck holder cannot block every tab. */
async function holdBounded<T>(task: (signal: AbortSignal) => Promise<T>, limit: number, lifetime: AbortSignal): Promise<T> {
  const hold = new AbortController();
  const timer = setTimeout(() => hold.abort(new TokenwardError('timeout', `refresh lock held for over ${limit} ms`)), limit);
  const signal = AbortSignal.any([hold.signal, lifetime]);
  try {
    return await Promise.race([task(signal), rejectOnAbort(signal)]);
  } finally {
    clearTimeout(timer);
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const abort = (): void => reject(signal.reason instanceof TokenwardError ? signal.reason : new TokenwardError('disposed', 'session disposed'));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
