import type { BackoffOptions } from '../contract/options.js';

export const DEFAULT_BACKOFF: BackoffOptions = { base: 1_000, cap: 60_000 };

/** A floor so that full jitter never turns into a tight loop. */
const MIN_DELAY_MS = 250;
/** A Retry-After is honoured, but not beyond this: a broken header must not park the session for a day. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * "Full jitter": a uniformly random wait between 0 and base * 2^attempt (capped), so that
 * many clients failing together do not retry together. `attempt` counts from 0.
 * A server's Retry-After (seconds) wins when it asks for longer.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.cap, options.base * 2 ** Math.max(0, attempt));
  const jittered = Math.max(MIN_DELAY_MS, random() * ceiling);
  if (retryAfterSeconds === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS));
}

/** Reads a Retry-After header (delta-seconds or an HTTP date) as seconds from `now`. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Only an HTTP date (it names a weekday or month); Date.parse alone accepts things like "-5".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

export type { BackoffOptions } from '../contract/options.js';
