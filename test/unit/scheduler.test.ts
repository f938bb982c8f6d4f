import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScheduler, type Scheduler } from '../../src/refresh/scheduler.js';

const START = Date.UTC(2030, 0, 1, 12, 0, 0);
const MAX_SLEEP = 30_000;
const HOUR = 3_600_000;

describe('createScheduler', () => {
  let onDue: ReturnType<typeof vi.fn<() => void>>;
  let scheduler: Scheduler;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
    onDue = vi.fn<() => void>();
    scheduler = createScheduler({ onDue, maxSleep: MAX_SLEEP });
  });

  afterEach(() => {
    scheduler.dispose();
    vi.useRealTimers();
  });

  it('fires once the wall clock reaches the armed time', () => {
    scheduler.at(START + 10_000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(onDue).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * HOUR);
    expect(onDue).toHaveBeenCalledOnce();
  });

  it('does not fire a moment early', () => {
    scheduler.at(START + 10_000);
    vi.advanceTimersByTime(9_999);
    expect(onDue).not.toHaveBeenCalled();
    scheduler.check();
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledOnce();
  });

  it('fires far-off times at the right moment, not before', () => {
    scheduler.at(START + 2 * HOUR);
    vi.advanceTimersByTime(2 * HOUR - 1);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledOnce();
  });

  it('never sleeps longer than maxSleep before looking at the clock again', () => {
    scheduler.at(START + 2 * HOUR);
    for (let wake = 0; wake < 5; wake++) {
      expect(vi.getTimerCount()).toBe(1);
      const before = Date.now();
      vi.advanceTimersToNextTimer();
      const slept = Date.now() - before;
      expect(slept).toBeGreaterThan(0);
      expect(slept).toBeLessThanOrEqual(MAX_SLEEP);
    }
    expect(onDue).not.toHaveBeenCalled();
  });

  it('defaults to waking at least every 30 s', () => {
    const defaults = createScheduler({ onDue });
    defaults.at(START + HOUR);
    vi.advanceTimersToNextTimer();
    expect(Date.now() - START).toBe(30_000);
    defaults.dispose();
  });

  it('fires at once on check() after the wall clock jumped past the armed time (a laptop that slept)', () => {
    scheduler.at(START + 10 * 60_000);
    // The machine sleeps for an hour: the clock moves, no timer runs.
    vi.setSystemTime(START + HOUR);
    expect(onDue).not.toHaveBeenCalled();
    scheduler.check();
    expect(onDue).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires within maxSleep after a clock jump even if nobody calls check()', () => {
    scheduler.at(START + 10 * 60_000);
    vi.setSystemTime(START + HOUR);
    vi.advanceTimersByTime(MAX_SLEEP);
    expect(onDue).toHaveBeenCalledOnce();
  });

  it('does not fire when the wall clock jumps backwards', () => {
    scheduler.at(START + 60_000);
    vi.setSystemTime(START - HOUR);
    vi.advanceTimersByTime(60_000);
    expect(onDue).not.toHaveBeenCalled();
    scheduler.check();
    expect(onDue).not.toHaveBeenCalled();
  });

  it('fires on the next timer for a time already in the past', () => {
    scheduler.at(START - 1_000);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(onDue).toHaveBeenCalledOnce();
  });

  it('ignores check() while disarmed', () => {
    scheduler.check();
    vi.advanceTimersByTime(HOUR);
    expect(onDue).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('replaces the armed time when re-armed, later or sooner', () => {
    scheduler.at(START + 10_000);
    scheduler.at(START + 50_000);
    vi.advanceTimersByTime(49_999);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledOnce();

    scheduler.at(Date.now() + 40_000);
    scheduler.at(Date.now() + 5_000);
    vi.advanceTimersByTime(5_000);
    expect(onDue).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(HOUR);
    expect(onDue).toHaveBeenCalledTimes(2);
  });

  it('can be re-armed from inside onDue', () => {
    onDue.mockImplementation(() => scheduler.at(Date.now() + 1_000));
    scheduler.at(START + 1_000);
    vi.advanceTimersByTime(3_000);
    expect(onDue).toHaveBeenCalledTimes(3);
    // Armed again, for START + 4_000.
    vi.advanceTimersByTime(999);
    expect(onDue).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledTimes(4);
  });

  it.each([
    ['at(null)', () => scheduler.at(null)],
    ['dispose()', () => scheduler.dispose()],
  ])('stops on %s', (_, stop) => {
    scheduler.at(START + 1_000);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.setSystemTime(START + HOUR);
    scheduler.check();
    vi.advanceTimersByTime(HOUR);
    expect(onDue).not.toHaveBeenCalled();
  });

  it('decides against the injected clock', () => {
    let now = START;
    const custom = createScheduler({ onDue, now: () => now, maxSleep: MAX_SLEEP });
    custom.at(START + HOUR);
    now = START + HOUR;
    custom.check();
    expect(onDue).toHaveBeenCalledOnce();
    custom.dispose();
  });
});
