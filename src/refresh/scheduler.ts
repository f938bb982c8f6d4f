/**
 * Calls `onDue` once the wall clock reaches the armed time. Background tabs throttle timers
 * and laptops sleep, so a single long setTimeout cannot be trusted: the timer only wakes us
 * up (at most every `maxSleep` ms) and the decision is always made against Date.now().
 * `check()` lets wake-up events (focus, visibility, online, pageshow) decide early.
 */
export interface Scheduler {
  /** Arms the scheduler for `time` (ms since epoch); null disarms it. */
  at(time: number | null): void;
  /** Fires now if the armed time has passed. */
  check(): void;
  dispose(): void;
}

export interface SchedulerOptions {
  onDue: () => void;
  now?: () => number;
  maxSleep?: number;
}

export function createScheduler({ onDue, now = Date.now, maxSleep = 30_000 }: SchedulerOptions): Scheduler {
  let dueAt: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function arm(): void {
    clearTimeout(timer);
    if (dueAt === null) return;
    timer = setTimeout(check, Math.min(Math.max(0, dueAt - now()), maxSleep));
    // In Node (SSR, tests) a pending refresh must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  }

  function check(): void {
    if (dueAt === null) return;
    if (now() < dueAt) return arm();
    dueAt = null;
    clearTimeout(timer);
    onDue();
  }

  function at(time: number | null): void {
    dueAt = time;
    arm();
  }

  return {
    at,
    check,
    dispose: () => at(null),
  };
}
