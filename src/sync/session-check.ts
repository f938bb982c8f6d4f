import { createScheduler } from '../refresh/scheduler.js';
import { onWake } from '../refresh/wake.js';

/** `sessionCheck` as the SDK uses it: an absolute URL and an interval in ms. */
export interface SessionCheckSettings {
  readonly url: string;
  readonly interval: number;
}

/** What the check needs from the session. */
export interface CheckedSession {
  /** Counts session boundaries: a verdict about an older session must not end a newer one. */
  generation(): number;
  signedIn(): boolean;
  /** The bearer token to send, obtained the normal way (refreshing if due); null in cookie mode. */
  accessToken(): Promise<string | null>;
  /** The server said the session is over. */
  revoked(): void;
}

/**
 * Asks the server whether the session is still alive: on wake-ups (visible, focus, online) and
 * every `interval` while this tab is visible, so a browser whose tabs are all hidden never polls.
 *
 * One request per occasion for the whole browser, without shared storage: the tab that checks
 * holds the Web Lock `<name>:session-check` for the request and a short cooldown after it, and
 * every tab only tries the lock with `ifAvailable`. A held lock is the "just checked" mark. The
 * interval ticks of all tabs fall on the same wall-clock multiples of `interval`, so the tabs'
 * simultaneous ticks meet the one holder and give up; a focus or `online` occasion (which fires in
 * every tab at once) is one check too. The lock dies with its tab, so nothing is left behind.
 * Without Web Locks each tab checks on its own.
 *
 * Only `401` or a 2xx body `{"active": false}` ends the session; anything else (5xx, 429,
 * redirect, network, timeout, a body that is not JSON) says nothing and changes nothing.
 * Returns the function that stops it.
 */
export function watchSession({ url, interval }: SessionCheckSettings, name: string, timeout: number, session: CheckedSession, lifetime: AbortSignal): () => void {
  if (typeof document === 'undefined') return () => {};
  const cooldown = Math.min(interval / 2, 5_000);
  let release = (): void => {};

  async function ended(): Promise<boolean> {
    const token = await session.accessToken();
    const response = await fetch(url, {
      credentials: 'include',
      cache: 'no-store',
      redirect: 'error',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.any([lifetime, AbortSignal.timeout(timeout)]),
    });
    if (response.status === 401) return true;
    return response.ok && ((await response.json()) as { active?: unknown } | null)?.active === false;
  }

  async function check(): Promise<void> {
    const generation = session.generation();
    if (await ended().catch(() => false)) {
      if (generation === session.generation() && session.signedIn()) session.revoked();
    }
    // Held a little longer: the other tabs' occasions of this moment find it taken.
    await new Promise<void>((resolve) => {
      release = resolve;
      setTimeout(resolve, cooldown);
    });
  }

  function occasion(): void {
    if (!session.signedIn()) return;
    if (!navigator.locks) return void check();
    // ifAvailable cannot be combined with a signal; dispose() ends the cooldown through `release`.
    navigator.locks.request(`${name}:session-check`, { ifAvailable: true }, (lock) => lock && check()).catch(() => undefined);
  }

  const nextTick = (): number => (Math.floor(Date.now() / interval) + 1) * interval;
  const ticks = createScheduler({
    onDue() {
      if (document.visibilityState === 'visible') occasion();
      ticks.at(nextTick());
    },
  });
  ticks.at(nextTick());
  const stopWake = onWake(occasion);
  return () => {
    ticks.dispose();
    stopWake();
    release();
  };
}
