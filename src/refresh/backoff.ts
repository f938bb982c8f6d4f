import type { BackoffOptions } from '../contract/options.js';
import type { TokenwardErrorCode } from '../errors.js';

export const DEFAULT_BACKOFF: BackoffOptions = { base: 1_000, cap: 60_000, attempts: 5, giveUpAfter: 120_000 };

/** A status no retry changes (a 400 `invalid_client`, a CSRF 403, a 404): a misconfiguration, so a few tries only. */
const MAX_UNUSABLE_STATUSES = 3;

/**
 * Whether the refresh failure `code`, the `failures`-th in a row (counting it), `failingFor` ms
 * after the first of them, ends the session. Network errors, 5xx, 429 and timeouts never do: the
 * server has not said anything, so they are retried for as long as the session lasts.
 */
export function givesUp(code: TokenwardErrorCode, failures: number, failingFor: number, options: BackoffOptions): boolean {
  if (code === 'http') return failures >= MAX_UNUSABLE_STATUSES;
  if (code === 'invalid_response' || code === 'redirect_refused') return failures >= options.attempts && failingFor >= options.giveUpAfter;
  return false;
}

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
  options: Pick<BackoffOptions, 'base' | 'cap'>,
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
