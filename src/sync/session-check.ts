import type { ResolvedOptions } from '../options.js';
import { onWake } from '../refresh/wake.js';

/** The `sessionCheck` option. */
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

/** The endpoint as an absolute URL and the interval in ms; null when off or without a server to ask. */
export function checkSettings({ sessionCheck, baseUrl }: Pick<ResolvedOptions, 'sessionCheck' | 'baseUrl'>): { url: string; interval: number } | null {
  return sessionCheck && baseUrl
    ? { url: new URL(sessionCheck.endpoint ?? '/auth/session', baseUrl).href, interval: (sessionCheck.interval ?? 60) * 1000 }
    : null;
}

/** What the check needs from the session. */
export interface CheckedSession {
  /**
   * The generation of the session while signed in (it counts session boundaries, from 1), or 0:
   * a verdict about an older session must not end a newer one.
   */
  live(): number;
  /** The token to send, obtained the normal way (refreshing if due); null in cookie mode. */
  accessToken(): Promise<string | null>;
  /** Sends a request with the token the way every authenticated request goes: as a bearer token, or with DPoP, with a proof. */
  send(request: Request, token: string): Promise<Response>;
  /** The server said the session is over. */
  revoked(): void;
  /** Every answer, for the CSRF token a server may send in a header to a cross-site page. */
  answered(response: Response): void;
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
 * Off (a no-op) without `sessionCheck`, and in Node or during SSR. Returns the function that stops it.
 */
export function watchSession(options: ResolvedOptions, session: CheckedSession, lifetime: AbortSignal): () => void {
  const settings = checkSettings(options);
  if (!settings || typeof document === 'undefined') return () => {};
  const { url, interval } = settings;
  const { name, timeout } = options;
  const cooldown = Math.min(interval / 2, 5_000);

  async function check(): Promise<void> {
    const generation = session.live();
    const token = await session.accessToken();
    const request = new Request(url, { credentials: 'include', redirect: 'error', signal: AbortSignal.any([lifetime, AbortSignal.timeout(timeout)]) });
    const response = await (token ? session.send(request, token) : fetch(request));
    session.answered(response);
    const ended = response.status === 401 || (response.ok && ((await response.json()) as { active?: unknown } | null)?.active === false);
    // A verdict about a session that has ended or been replaced meanwhile is no verdict about this one.
    if (ended && generation === session.live()) session.revoked();
  }

  function occasion(): void {
    if (!session.live()) return;
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
  const stopWake = onWake(occasion);
  return () => {
    clearTimeout(timer);
    stopWake();
  };
}
