/**
 * Who may refresh. Within one tab, single flight already serialises refreshes; across tabs
 * a RefreshLock makes the whole read-vault / call-server / write-vault sequence exclusive.
 * The task gets a signal that aborts when the lock is lost (hold time exceeded or disposal).
 */
export interface RefreshLock {
  run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** The lock for a session with no other tabs to coordinate with (SSR, memory storage in Node). */
export const noLock: RefreshLock = {
  run: (task) => task(new AbortController().signal),
};
