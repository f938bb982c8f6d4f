import { expireReadableCookies } from './cookies.js';
import { removeSelected, type PurgeFilter } from './filter.js';
import { allDatabaseNames, deleteDatabase } from './indexed-db.js';

export type { PurgeFilter } from './filter.js';

/**
 * What a logout clears besides the vault (which clears itself). Every field is optional and
 * the defaults clear everything this app could have stored in the browser, service workers
 * aside.
 */
export interface PurgeOptions {
  /**
   * `true`: every key; a filter: only the keys it selects; `false`: nothing.
   * @default true
   */
  localStorage?: boolean | PurgeFilter;
  /**
   * This tab's sessionStorage, same choices as `localStorage`. Each tab clears its own.
   * @default true
   */
  sessionStorage?: boolean | PurgeFilter;
  /**
   * IndexedDB databases to delete: `'all'` (every database of the origin, via
   * `indexedDB.databases()`), a list of names, or `false`. The session's own vault database is
   * never deleted here: it clears itself and keeps the signed-out marker.
   * @default 'all'
   */
  indexedDB?: 'all' | readonly string[] | false;
  /**
   * Cache Storage: `true` every cache, a list of cache names, or `false`.
   * @default true
   */
  caches?: boolean | readonly string[];
  /**
   * Cookies readable by page script: `true` all of them, a filter on their names, or
   * `false`. Each is expired under the current path and its parents, host-only and for the
   * host's own Domain, since page script cannot see which Path and Domain a cookie was set with.
   * HttpOnly cookies are the server's to clear, in its logout response.
   * @default true
   */
  cookies?: boolean | PurgeFilter;
  /**
   * Expire the same names on the parent domains too (`Domain=example.com` seen from
   * app.example.com). Off by default: such cookies are shared with the sibling apps on other
   * subdomains, which this would sign out. One left readable is reported as `purge_failed`.
   * @default false
   */
  parentDomainCookies?: boolean;
  /**
   * Unregister this origin's service workers. Off by default: they often serve more than the session.
   * @default false
   */
  serviceWorkers?: boolean;
}

export type PurgeStep = 'localStorage' | 'sessionStorage' | 'indexedDB' | 'caches' | 'cookies' | 'serviceWorkers';

export interface PurgeFailure {
  readonly step: PurgeStep;
  readonly error: Error;
}

export interface PurgeResult {
  /** What could not be cleared, possibly several entries per step (one per database, for example). Empty when all went well. */
  readonly failed: readonly PurgeFailure[];
}

type Report = (error: unknown) => void;

function clearWebStorage(storage: Storage, filter: true | PurgeFilter, report: Report): void {
  if (filter === true) return storage.clear();
  // Keys first, removal after: removing while indexing would skip keys.
  const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter((key) => key !== null);
  removeSelected(keys, filter, (key) => storage.removeItem(key), report);
}

// The steps below return early when their API is absent: then nothing can have been stored
// there (Cache Storage outside a secure context, for example).
async function deleteDatabases(which: 'all' | readonly string[], keep: readonly string[], report: Report): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const names = which === 'all' ? await allDatabaseNames() : which;
  await Promise.all(names.filter((name) => !keep.includes(name)).map((name) => deleteDatabase(name).catch(report)));
}

async function deleteCaches(which: true | readonly string[], report: Report): Promise<void> {
  if (typeof caches === 'undefined') return;
  const names = which === true ? await caches.keys() : which;
  await Promise.all(names.map((name) => caches.delete(name).catch(report)));
}

async function unregisterServiceWorkers(report: Report): Promise<void> {
  if (typeof navigator.serviceWorker === 'undefined') return;
  const registrations = await navigator.serviceWorker.getRegistrations();
  await Promise.all(registrations.map((registration) => registration.unregister().catch(report)));
}

/**
 * Clears what the app stored in this browser, as `options` says (default: everything but
 * service workers), leaving alone the databases in `keepDatabases` and the cookies in
 * `keepCookies` (the CSRF cookie: a logout request still in flight, in this tab or another,
 * needs it, and the browser attaches cookies when the request leaves, not when it is made).
 *
 * Meant to run in every tab on logout, at the same time: sessionStorage belongs to one tab, so
 * each tab must clear its own; everything else is shared by the origin, and clearing it again
 * is cheap (only what still exists is listed and deleted) and harmless. Web storage and cookies
 * are cleared synchronously, before the first await, so they are gone even if the tab is closing.
 *
 * Each step runs on its own: one that fails (a SecurityError, a database another tab keeps
 * open) does not stop the others. Never rejects; failures are returned. Outside a page (Node,
 * SSR, workers) it does nothing.
 */
export async function purgeClientStorage(
  options: PurgeOptions | undefined,
  keepDatabases: readonly string[],
  keepCookies: readonly string[] = [],
): Promise<PurgeResult> {
  const failed: PurgeFailure[] = [];
  if (typeof document === 'undefined') return { failed };

  const run = async <T>(step: PurgeStep, setting: T | false, task: (setting: T, report: Report) => void | Promise<void>) => {
    if (setting === false) return;
    const report: Report = (error) => failed.push({ step, error: error instanceof Error ? error : new Error(String(error)) });
    try {
      await task(setting, report);
    } catch (error) {
      report(error);
    }
  };
  const o = options ?? {};

  await Promise.all([
    // window.localStorage throws a SecurityError where storage is blocked: inside the step, so only it fails.
    run('localStorage', o.localStorage ?? true, (filter, report) => clearWebStorage(window.localStorage, filter, report)),
    run('sessionStorage', o.sessionStorage ?? true, (filter, report) => clearWebStorage(window.sessionStorage, filter, report)),
    run('cookies', o.cookies ?? true, (filter, report) => expireReadableCookies(filter, keepCookies, report, o.parentDomainCookies)),
    run('indexedDB', o.indexedDB ?? 'all', (which, report) => deleteDatabases(which, keepDatabases, report)),
    run('caches', o.caches ?? true, deleteCaches),
    run('serviceWorkers', o.serviceWorkers ?? false, (_, report) => unregisterServiceWorkers(report)),
  ]);
  return { failed };
}
