import type { PurgeFilter } from '../contract/options.js';

/**
 * Calls `remove` for every key that `filter` selects (`true`: every key). A `keep` that throws
 * keeps its key, since what the app wanted is unknown and a purge must never destroy what it
 * was told to keep; the error is reported and the other keys are still handled.
 */
export function removeSelected(keys: readonly string[], filter: true | PurgeFilter, remove: (key: string) => void, report: (error: unknown) => void): void {
  for (const key of keys) {
    if (filter !== true) {
      if (filter.prefixes && !filter.prefixes.some((prefix) => key.startsWith(prefix))) continue;
      try {
        if (filter.keep?.(key)) continue;
      } catch (error) {
        report(new Error(`keep() threw, so "${key}" was kept`, { cause: error }));
        continue;
      }
    }
    remove(key);
  }
}
