import { bounded } from '../bounded.js';
import { onWake } from '../refresh/wake.js';
import type { SessionCheck, SessionLink } from '../contract/part.js';

/** What `sessionCheck()` takes. */
export interface SessionCheckOptions {
  /**
   * Resolved against `baseUrl`, like the other endpoints.
   * @default '/auth/session'
   */
  readonly endpoint?: string;
  /**
   * Seconds between checks while a tab is visible.
   * @default 60
   */
  readonly interval?: number;
}

/**
 * Server-side invalidation: `createSession({ sessionCheck: sessionCheck({ interval: 60 }) })`
 * asks the server whether the session still lives (`GET endpoint`) on wake-ups and every
 * `interval` seconds while a tab is visible; a session ended there logs every tab out with reason `revoked`.
 */
export function sessionCheck(options: SessionCheckOptions = {}): SessionCheck {
  return { start: (link) => watchSession(options, link) };
}

/** The endpoint as an absolute URL and the interval in ms; null without a server to ask. */
export function checkSettings(
  { endpoint = '/auth/session', interval = 60 }: SessionCheckOptions,
  baseUrl: string | undefined,
): { url: string; interval: number } | null {
  return baseUrl ? { url: new URL(endpoint, baseUrl).href, interval: interval * 1000 } : null;
}

/**
 * Asks the server whether the session is still alive: on wake-ups (visible, focus, online) and
 * every `interval` while this tab is visible, so a browser whose tabs are all hidden never polls.
 *
 * One request per occasion for the whole browser, without shared storage: the tab that checks
 * holds the Web Lock `<name>:session-check` for the request, and at least a short cooldown, and
 * every tab only tries the lock with `ifAvailable`. A held lock is the "just checked" mark. The
 * interval ticks of all tabs fall on the same wall-clock multiples of `interval`, so the tabs'
 * simultaneous ticks meet the one holder and give up; a focus or `online` occasion (which fires in
 * every tab at once) is one check too. The lock dies with its tab, so nothing is left behind.
 * (Every browser the SDK supports has Web Locks; see the refresh lock.)
 *
 * Only `401` or a 2xx body `{"active": false}` ends the session; anything else (5xx, 429,
 * redirect, network, timeout, a body that is not JSON) says nothing and changes nothing.
 * A no-op without a `baseUrl`, and in Node or during SSR. Stops when `lifetime` aborts.
 */
function watchSession(options: SessionCheckOptions, { session, options: { baseUrl, name, timeout }, lifetime, live, end, send, answered }: SessionLink): void {
  const settings = checkSettings(options, baseUrl);
  if (!settings || typeof document === 'undefined') return;
  const { url, interval } = settings;
  const cooldown = Math.min(interval / 2, 5_000);

  async function check(): Promise<void> {
    const generation = live();
    const token = await session.getAccessToken();
    // A check to a server that never answers must end on time: it holds the lock below, and a check
    // never given up would stop every tab's checks for good. So the request is raced against its
    // signal, not only handed to fetch: WebKit (2.50), during garbage collections, can lose the abort
    // of a fetched Request's signal. A timer of our own, since an AbortSignal.any() that only a
    // fetch holds can be collected there too.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new DOMException('The session check timed out', 'TimeoutError')), timeout);
    const onEnd = () => stop.abort(lifetime.reason);
    lifetime.addEventListener('abort', onEnd);
    try {
      const request = new Request(url, { credentials: 'include', redirect: 'error', signal: stop.signal });
      const response = await bounded(token ? send(request, token) : fetch(request), stop.signal, () => stop.signal.reason as Error);
      answered(response);
      const ended = response.status === 401 || (response.ok && ((await response.json()) as { active?: unknown } | null)?.active === false);
      // A verdict about a session that has ended or been replaced meanwhile is no verdict about this one.
      if (ended && generation === live()) end('revoked');
    } finally {
      clearTimeout(timer);
      lifetime.removeEventListener('abort', onEnd);
    }
  }

  function occasion(): void {
    if (!live()) return;
    // Held for the check and at least the cooldown: the other tabs' occasions of this moment find it taken.
    const held = () => Promise.all([check().catch(() => {}), new Promise((resolve) => setTimeout(resolve, cooldown))]);
    void navigator.locks.request(`${name}:session-check`, { ifAvailable: true }, (lock) => lock && held()).catch(() => {});
  }

  // Ticks on the wall-clock multiples of `interval`, the same instants in every tab.
  let timer: ReturnType<typeof setTimeout>;
  const tick = (): void => {
    timer = setTimeout(
      () => {
        if (document.visibilityState === 'visible') occasion();
        tick();
      },
      interval - (Date.now() % interval),
    );
  };
  tick();
  onWake(occasion, lifetime);
  lifetime.addEventListener('abort', () => clearTimeout(timer));
}

export type { SessionCheck } from '../contract/part.js';
