// Login throttling against password guessing: failed attempts are counted per user name
// and per client address over a sliding window. Once either count reaches its limit,
// every login for that user or from that address gets 429 with Retry-After (even with the
// right password, or guessing could go on behind the 429s) until the oldest failure
// leaves the window. A success clears the user's count. Kept in memory with bounded size:
// the point is to make guessing slow, not to remember attackers forever.

export interface LoginLimits {
  /** Failed attempts per user name within the window. Default 5. */
  perUser: number;
  /** Failed attempts per client address within the window. Default 20. */
  perAddress: number;
  /** Seconds. Default 900. */
  window: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, window: 900 };

/** Keys tracked at most; the oldest key is forgotten first. */
const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly limits: LoginLimits;

  constructor(limits: Partial<LoginLimits> = {}) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** Seconds to wait before this login may be tried, or 0. */
  retryAfter(user: string, address: string): number {
    const now = Date.now();
    const wait = (key: string, limit: number): number => {
      const recent = this.recent(key, now);
      return recent.length >= limit ? Math.ceil((recent[recent.length - limit]! + this.limits.window * 1000 - now) / 1000) : 0;
    };
    return Math.max(wait(`u:${user}`, this.limits.perUser), wait(`a:${address}`, this.limits.perAddress));
  }

  failed(user: string, address: string): void {
    const now = Date.now();
    for (const key of [`u:${user}`, `a:${address}`]) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.failures.delete(key); // re-inserted last: Map order is the eviction order
      this.failures.set(key, recent);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(user: string): void {
    this.failures.delete(`u:${user}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - this.limits.window * 1000);
  }
}
