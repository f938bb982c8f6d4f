// Login throttling against password guessing: failed attempts are counted per user name
// and per client address over a sliding window. Once either count reaches its limit,
// every login for that user or from that address gets 429 with Retry-After (even with the
// right password, or guessing could go on behind the 429s) until the oldest failure
// leaves the window. A success clears the user's count. The failures live in a FailureLog:
// this process's memory, bounded in size (the point is to make guessing slow, not to
// remember attackers forever), or Redis when several processes serve the same users, so
// that spreading guesses over the processes does not multiply the allowance.

export interface LoginLimits {
  /** Failed attempts per user name within the window. Default 5. */
  perUser: number;
  /** Failed attempts per client address within the window. Default 20. */
  perAddress: number;
  /** Seconds. Default 900. */
  window: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, window: 900 };

/** Failure times per key (a user name or a client address). */
export interface FailureLog {
  /** Times (ms) of the key's failures after `since`, oldest first. */
  since(key: string, since: number): Promise<number[]>;
  /** Records a failure at `now` for each key; entries older than the window may be dropped. */
  add(keys: string[], now: number, windowMs: number): Promise<void>;
  clear(key: string): Promise<void>;
}

/** Keys tracked at most; the oldest key is forgotten first. */
const MAX_KEYS = 10_000;

export class MemoryFailureLog implements FailureLog {
  private readonly failures = new Map<string, number[]>();

  async since(key: string, since: number): Promise<number[]> {
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }

  async add(keys: string[], now: number, windowMs: number): Promise<void> {
    for (const key of keys) {
      const recent = await this.since(key, now - windowMs);
      recent.push(now);
      this.failures.delete(key); // re-inserted last: Map order is the eviction order
      this.failures.set(key, recent);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  async clear(key: string): Promise<void> {
    this.failures.delete(key);
  }
}

export class LoginLimiter {
  private readonly limits: LoginLimits;

  constructor(
    private readonly log: FailureLog,
    limits: Partial<LoginLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** Seconds to wait before this login may be tried, or 0. */
  async retryAfter(user: string, address: string): Promise<number> {
    const now = Date.now();
    const windowMs = this.limits.window * 1000;
    const wait = async (key: string, limit: number): Promise<number> => {
      const recent = await this.log.since(key, now - windowMs);
      return recent.length >= limit ? Math.ceil((recent[recent.length - limit]! + windowMs - now) / 1000) : 0;
    };
    const waits = await Promise.all([wait(`u:${user}`, this.limits.perUser), wait(`a:${address}`, this.limits.perAddress)]);
    return Math.max(...waits);
  }

  failed(user: string, address: string): Promise<void> {
    return this.log.add([`u:${user}`, `a:${address}`], Date.now(), this.limits.window * 1000);
  }

  succeeded(user: string): Promise<void> {
    return this.log.clear(`u:${user}`);
  }
}
