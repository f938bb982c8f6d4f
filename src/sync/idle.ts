import { BroadcastChannel } from 'broadcast-channel';
import { createScheduler } from '../refresh/scheduler.js';
import type { IdleTimeout, SessionLink } from '../contract/part.js';

/** What `idleTimeout()` takes besides the timeout. */
export interface IdleTimeoutOptions {
  /**
   * Seconds before the idle logout that the `idle-warning` event fires, at most the timeout.
   * @default 60
   */
  readonly warning?: number;
}

/**
 * Ends the session after `seconds` without user activity in any tab (reason `idle`), with an
 * `idle-warning` event `warning` seconds before: `createSession({ idleTimeout: idleTimeout(900) })`.
 * 0 is off, for a timeout read from configuration.
 */
export function idleTimeout(seconds: number, { warning = 60 }: IdleTimeoutOptions = {}): IdleTimeout {
  return { start: (link) => seconds > 0 && watchIdle(link, seconds * 1000, Math.min(warning, seconds) * 1000) };
}

/** How far ahead of this tab's clock another tab's activity may be stamped. */
const CLOCK_SKEW_MS = 5_000;

/** A time of activity another tab told of, or stored: a safe integer, and not in the future (it would switch the timeout off). */
const validTime = (at: unknown): at is number => Number.isSafeInteger(at) && (at as number) <= Date.now() + CLOCK_SKEW_MS;

/**
 * The time of the last activity, kept in localStorage (`<name>:last-activity`) while signed in,
 * so that the count outlives the page: nothing secret, only a time. Where localStorage cannot be
 * used, the count starts at the page load.
 */
function lastActivity(name: string): { read(): number | null; write(at: number | null): void } {
  const key = `${name}:last-activity`;
  return {
    read() {
      try {
        const at = Number(localStorage.getItem(key) ?? NaN);
        return validTime(at) ? at : null;
      } catch {
        return null;
      }
    },
    write(at) {
      try {
        if (at === null) localStorage.removeItem(key);
        else localStorage.setItem(key, String(at));
      } catch {
        // Not kept: a later page load counts from its own start.
      }
    },
  };
}

/**
 * Tracks activity while the session is signed in. The tabs tell each other of theirs over a
 * channel of their own (`<name>:activity`) as a bare timestamp; one that is not a valid time is
 * ignored. A page load that finds the stored last activity older than the timeout ends the
 * session (reason `idle`) before the stored one is restored: the limit ran out while no tab was
 * open. The stored time exists only while a session is signed in, so this never ends a session
 * that was not left behind.
 */
function watchIdle({ session, options, lifetime, end, emit }: SessionLink, timeout: number, warning: number): void {
  const channel = typeof window === 'undefined' ? null : new BroadcastChannel<unknown>(`${options.name}:activity`);
  const stored = lastActivity(options.name);
  const left = stored.read();
  if (left !== null && Date.now() >= left + timeout) {
    stored.write(null);
    // At once, before the engine reads the vault: the generation moves on, so the stored session is never adopted.
    end('idle');
    // The tab never was signed in, so the engine tells of no logout; the app hears the reason once it is ready.
    void session.ready.then(() => emit('logout', { reason: 'idle' }));
  }
  let tracker: IdleTracker | null = null;
  const stop = (): void => {
    tracker?.dispose();
    tracker = null;
  };
  const hooks: IdleHooks = {
    onWarning: (logoutAt) => emit('idle-warning', { logoutAt }),
    onIdle: () => end('idle'),
    // A failed broadcast only makes the other tabs decide on what they saw themselves.
    broadcast: (at) => {
      stored.write(at);
      void channel?.postMessage(at).catch(() => undefined);
    },
  };
  if (channel) channel.onmessage = (at) => validTime(at) && tracker?.heard(at);
  const unsubscribe = session.subscribe(({ status }) => {
    if (status === 'authenticated') {
      tracker ??= trackIdle({ ...hooks, timeout, warning, since: stored.read() });
    } else if (status === 'unauthenticated') {
      stop();
      stored.write(null);
    }
  });
  lifetime.addEventListener('abort', () => {
    unsubscribe();
    stop();
    void channel?.close();
  });
}

interface IdleHooks {
  readonly onWarning: (logoutAt: number) => void;
  readonly onIdle: () => void;
  /** Tells the other tabs this tab saw activity (throttled). */
  readonly broadcast: (at: number) => void;
}

interface IdleOptions extends IdleHooks {
  /** Milliseconds without activity in any tab before the session ends. */
  readonly timeout: number;
  /** The last activity a previous page stored, if any: the count goes on from there. */
  readonly since: number | null;
  /** Milliseconds before that, `onWarning` is called. */
  readonly warning: number;
}

interface IdleTracker {
  /** Activity another tab saw at `at`. */
  heard(at: number): void;
  dispose(): void;
}

// Pointer events cover mouse, pen and touch alike.
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'scroll'] as const;

/**
 * Ends the session after a period with no user activity in ANY tab. Each tab keeps the time
 * of the last activity it saw or heard of; local activity is broadcast at most every few
 * seconds, so every tab reaches the same verdict at nearly the same time.
 */
function trackIdle({ timeout, warning, since, onWarning, onIdle, broadcast }: IdleOptions): IdleTracker {
  const throttle = Math.min(5_000, timeout / 4);
  let last = since ?? Date.now();
  let lastBroadcast = 0;
  let warned = false;

  const scheduler = createScheduler({ onDue: decide, maxSleep: Math.max(250, throttle) });

  function decide(): void {
    const now = Date.now();
    const idleAt = last + timeout;
    if (now >= idleAt) return onIdle();
    const warnAt = idleAt - warning;
    if (now >= warnAt && !warned) {
      warned = true;
      onWarning(idleAt);
    }
    scheduler.at(now < warnAt ? warnAt : idleAt);
  }

  function seen(at: number): void {
    if (at <= last) return;
    last = at;
    warned = false;
    scheduler.at(last + timeout - warning);
  }

  function local(): void {
    const now = Date.now();
    seen(now);
    if (now - lastBroadcast >= throttle) {
      lastBroadcast = now;
      broadcast(now);
    }
  }

  const listening = typeof window !== 'undefined';
  if (listening) for (const name of ACTIVITY_EVENTS) window.addEventListener(name, local, { passive: true, capture: true });
  // Stored for the next page load (a login starts the count).
  if (since === null) broadcast(last);
  scheduler.at(last + timeout - warning);

  return {
    heard: seen,
    dispose() {
      scheduler.dispose();
      if (listening) for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, local, { capture: true });
    },
  };
}

export type { IdleTimeout } from '../contract/part.js';
