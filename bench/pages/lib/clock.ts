/**
 * Milliseconds since the epoch, comparable across tabs: each tab's high-resolution clock
 * offset by its own time origin (the wall-clock time when that tab's document started).
 */
export function wallclock(): number {
  return performance.timeOrigin + performance.now();
}
