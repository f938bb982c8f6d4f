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

/**
 * Tracks activity while the session is signed in. The tabs tell each other of theirs over a
 * channel of their own (`<name>:activity`) as a bare timestamp; one that is not a safe integer,
 * or lies in the future (it would switch the timeout off), is ignored.
 */
function watchIdle({ session, options, lifetime, end, emit }: SessionLink, timeout: number, warning: number): void {
  const channel = typeof window === 'undefined' ? null : new BroadcastChannel<unknown>(`${options.name}:activity`);
  let tracker: IdleTracker | null = null;
  const stop = (): void => {
    tracker?.dispose();
    tracker = null;
  };
  const hooks: IdleHooks = {
    onWarning: (logoutAt) => emit('idle-warning', { logoutAt }),
    onIdle: () => end('idle'),
    // A failed broadcast only makes the other tabs decide on what they saw themselves.
    broadcast: (at) => void channel?.postMessage(at).catch(() => undefined),
  };
  if (channel) channel.onmessage = (at) => Number.isSafeInteger(at) && (at as number) <= Date.now() + CLOCK_SKEW_MS && tracker?.heard(at as number);
  const unsubscribe = session.subscribe(({ status }) => {
    if (status !== 'authenticated') stop();
    else tracker ??= trackIdle({ ...hooks, timeout, warning });
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
function trackIdle({ timeout, warning, onWarning, onIdle, broadcast }: IdleOptions): IdleTracker {
  const throttle = Math.min(5_000, timeout / 4);
  let last = Date.now();
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
