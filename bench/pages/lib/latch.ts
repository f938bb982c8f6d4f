import { wallclock } from './clock.ts';

/** Remembers when something first happened (wall clock, see clock.ts) until reset; awaitable with a timeout. */
export class Latch {
  #at: number | null = null;
  readonly #waiters = new Set<() => void>();

  get at(): number | null {
    return this.#at;
  }

  mark(at: number = wallclock()): void {
    if (this.#at !== null) return;
    this.#at = at;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  reset(): void {
    this.#at = null;
  }

  /** The time it happened, or null if it has not within `timeoutMs`. */
  wait(timeoutMs: number): Promise<number | null> {
    if (this.#at !== null) return Promise.resolve(this.#at);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(this.#at);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        resolve(null);
      }, timeoutMs);
      this.#waiters.add(wake);
    });
  }
}
