import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, givesUp, parseRetryAfter } from '../../src/refresh/backoff.js';

const FLOOR = 250;
const TEN_MINUTES = 600_000;
const lowest = (): number => 0;
const highest = (): number => 1;
const attempts = Array.from({ length: 21 }, (_, attempt) => attempt);

describe('backoffDelay', () => {
  it.each(attempts)('attempt %i waits between the floor and min(cap, base * 2^attempt)', (attempt) => {
    const ceiling = Math.min(DEFAULT_BACKOFF.cap, DEFAULT_BACKOFF.base * 2 ** attempt);
    expect(backoffDelay(attempt, DEFAULT_BACKOFF, undefined, lowest)).toBe(FLOOR);
    expect(backoffDelay(attempt, DEFAULT_BACKOFF, undefined, highest)).toBe(ceiling);
    const middle = backoffDelay(attempt, DEFAULT_BACKOFF, undefined, () => 0.5);
    expect(middle).toBeGreaterThanOrEqual(FLOOR);
    expect(middle).toBeLessThanOrEqual(ceiling);
  });

  it('doubles the ceiling with each attempt until the cap', () => {
    const ceilings = attempts.map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, undefined, highest));
    expect(ceilings.slice(0, 7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
    expect(new Set(ceilings.slice(6))).toEqual(new Set([60_000]));
  });

  it('uses the configured base and cap', () => {
    const options = { base: 100, cap: 5_000 };
    expect(backoffDelay(0, options, undefined, highest)).toBe(FLOOR);
    expect(backoffDelay(3, options, undefined, highest)).toBe(800);
    expect(backoffDelay(20, options, undefined, highest)).toBe(5_000);
  });

  it('never waits less than the floor, so full jitter cannot become a tight loop', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, undefined, () => 0.01)).toBe(FLOOR);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, DEFAULT_BACKOFF, undefined, highest)).toBe(DEFAULT_BACKOFF.base);
  });

  it('honours a Retry-After longer than the backoff', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, 120, highest)).toBe(120_000);
    expect(backoffDelay(20, DEFAULT_BACKOFF, 90, lowest)).toBe(90_000);
  });

  it('keeps the backoff when Retry-After asks for less', () => {
    expect(backoffDelay(5, DEFAULT_BACKOFF, 1, highest)).toBe(32_000);
    expect(backoffDelay(0, DEFAULT_BACKOFF, 0, lowest)).toBe(FLOOR);
  });

  it('caps Retry-After at 10 minutes', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, 86_400, lowest)).toBe(TEN_MINUTES);
    expect(backoffDelay(20, DEFAULT_BACKOFF, 601, highest)).toBe(TEN_MINUTES);
    expect(backoffDelay(0, DEFAULT_BACKOFF, 600, lowest)).toBe(TEN_MINUTES);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 30 ', now)).toBe(30);
  });

  it('reads an HTTP date as seconds from now', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:01:30 GMT', now)).toBe(90);
  });

  it('reads an HTTP date in the past as zero', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 11:00:00 GMT', now)).toBe(0);
  });

  it.each([
    ['null', null],
    ['empty', ''],
    ['blank', '   '],
    ['a word', 'soon'],
    ['digits with letters', '12abc'],
    ['an exponent', '1e3'],
    ['hexadecimal', '0x10'],
  ])('returns undefined for a header that is %s', (_name, header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('givesUp: when a run of failed refreshes ends the session (issue 24, point 4)', () => {
  const MINUTE = 60_000;

  it('retries answers that are not a token response for 5 attempts and 2 minutes, whichever is later', () => {
    for (const code of ['invalid_response', 'redirect_refused'] as const) {
      expect(givesUp(code, 4, 10 * MINUTE, DEFAULT_BACKOFF)).toBe(false); // a long outage, but only 4 tries
      expect(givesUp(code, 30, 2 * MINUTE - 1, DEFAULT_BACKOFF)).toBe(false); // many quick tries, not yet 2 minutes
      expect(givesUp(code, 5, 2 * MINUTE, DEFAULT_BACKOFF)).toBe(true);
    }
  });

  it('follows the given attempts and giveUpAfter', () => {
    const options = { ...DEFAULT_BACKOFF, attempts: 2, giveUpAfter: 500 };
    expect(givesUp('invalid_response', 2, 499, options)).toBe(false);
    expect(givesUp('invalid_response', 2, 500, options)).toBe(true);
  });

  it('ends at the third status no retry changes, at once', () => {
    expect(givesUp('http', 2, 0, DEFAULT_BACKOFF)).toBe(false);
    expect(givesUp('http', 3, 0, DEFAULT_BACKOFF)).toBe(true);
  });

  it('never gives up on what the server has not answered: network, timeouts, 5xx, 429, bugs', () => {
    for (const code of ['network', 'timeout', 'server', 'rate_limited', 'internal'] as const)
      expect(givesUp(code, 1000, 60 * MINUTE, DEFAULT_BACKOFF)).toBe(false);
  });
});
