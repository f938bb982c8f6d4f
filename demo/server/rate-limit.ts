// Login throttling against password guessing: attempts are counted per user name and per
// client address over a sliding window, and an attempt is counted BEFORE its password is
// checked, in one atomic step that also decides whether it may go ahead: a burst of guesses
// sent at once cannot slip through between "is there room?" and "count this one". Once either
// key holds its limit, every login for that user or from that address gets 429 with Retry-After
// (even with the right password, or guessing could go on behind the 429s) until the oldest
// attempt leaves the window. An attempt that turns out right is taken back (only wrong passwords
// count), but it does not wipe the failures before it: at most `perUser` wrong passwords are
// checked per user name, and `perAddress` per address, within any window, however they are
// timed or spread over processes. The attempts live in an AttemptLog: this process's memory,
// bounded in size (the point is to make guessing slow, not to remember attackers forever), or
// Redis when several processes serve the same users.
import { randomUUID } from 'node:crypto';

export interface LoginLimits {
  /** Wrong passwords checked per user name within the window. Default 5. */
  perUser: number;
  /** Wrong passwords checked per client address within the window. Default 20. */
  perAddress: number;
  /** Seconds. Default 900. */
  window: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, window: 900 };

/** A key (a user name or a client address) and how many attempts it may hold within the window. */
export interface KeyLimit {
  key: string;
  limit: number;
}

/** Attempts per key, each with an id and a time. */
export interface AttemptLog {
  /**
   * In one atomic step: if every key holds fewer than its limit of attempts after `now - windowMs`,
   * records attempt `id` at `now` under each and resolves 0; otherwise records nothing and resolves
   * the ms until the fullest key has room again.
   */
  begin(keys: KeyLimit[], id: string, now: number, windowMs: number): Promise<number>;
  /** Takes attempt `id` back from these keys. */
  withdraw(keys: string[], id: string): Promise<void>;
}

/** Keys tracked at most; the key least recently added to is forgotten first. */
const MAX_KEYS = 10_000;

/** When a key holding `times` (oldest first) has room for one more under `limit`: 0 for now. */
function roomAt(times: number[], limit: number, windowMs: number): number {
  return times.length < limit ? 0 : times[times.length - limit]! + windowMs;
}

export class MemoryAttemptLog implements AttemptLog {
  private readonly attempts = new Map<string, { id: string; at: number }[]>();

  // No await between the check and the write: in one process, that is what makes it atomic.
  async begin(keys: KeyLimit[], id: string, now: number, windowMs: number): Promise<number> {
    const recent = keys.map(({ key }) => (this.attempts.get(key) ?? []).filter((attempt) => attempt.at > now - windowMs));
    const room = Math.max(
      ...keys.map(({ limit }, i) =>
        roomAt(
          recent[i]!.map((attempt) => attempt.at),
          limit,
          windowMs,
        ),
      ),
    );
    if (room > 0) return room - now;
    keys.forEach(({ key }, i) => {
      this.attempts.delete(key); // re-inserted last: Map order is the eviction order
      this.attempts.set(key, [...recent[i]!, { id, at: now }]);
    });
    while (this.attempts.size > MAX_KEYS) this.attempts.delete(this.attempts.keys().next().value!);
    return 0;
  }

  async withdraw(keys: string[], id: string): Promise<void> {
    for (const key of keys) {
      const left = this.attempts.get(key)?.filter((attempt) => attempt.id !== id);
      if (left?.length) this.attempts.set(key, left);
      else this.attempts.delete(key);
    }
  }
}

/** Why a login was not tried: seconds to wait. */
export interface RateLimited {
  retryAfter: number;
}

export class LoginLimiter {
  private readonly limits: LoginLimits;

  constructor(
    private readonly log: AttemptLog,
    limits: Partial<LoginLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /**
   * Runs `check` (a password check: the user name if right, else null) only if the user and the
   * address have room for one more attempt, counted before it runs; a right one is taken back.
   */
  async attempt(user: string, address: string, check: () => Promise<string | null>): Promise<string | null | RateLimited> {
    const keys = [
      { key: `u:${user}`, limit: this.limits.perUser },
      { key: `a:${address}`, limit: this.limits.perAddress },
    ];
    const id = randomUUID();
    const waitMs = await this.log.begin(keys, id, Date.now(), this.limits.window * 1000);
    if (waitMs > 0) return { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
    const verified = await check();
    if (verified !== null) {
      await this.log.withdraw(
        keys.map(({ key }) => key),
        id,
      );
    }
    return verified;
  }
}
