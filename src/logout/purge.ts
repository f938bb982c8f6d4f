import type { PurgeFilter, PurgeOptions } from '../contract/options.js';
import { expireReadableCookies } from './cookies.js';
import { removeSelected } from './filter.js';
import { allDatabaseNames, deleteDatabase } from './indexed-db.js';

export type { PurgeFilter, PurgeOptions } from '../contract/options.js';

export type PurgeStep = 'localStorage' | 'sessionStorage' | 'indexedDB' | 'caches' | 'cookies' | 'serviceWorkers';

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

function deleteCaches(which: true | readonly string[]): Promise<void> | undefined {
  if (typeof caches === 'undefined') return;
  const clear = async () => {
    for (const name of which === true ? await caches.keys() : which) await caches.delete(name);
  };
  // Firefox aborts the Cache API calls in flight when the origin's storage is wiped under them
  // (the logout call's Clear-Site-Data answer, arriving meanwhile): a second pass, after the wipe, finds what is left.
  return clear().catch(clear);
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
 * open) does not stop the others. Never rejects; each failure goes to `failed` (possibly
 * several per step: one per database, for example). Outside a page (Node, SSR, workers) it does nothing.
 */
export async function purgeClientStorage(
  options: PurgeOptions | undefined,
  keepDatabases: readonly string[],
  keepCookies: readonly string[],
  failed: (step: PurgeStep, error: Error) => void,
): Promise<void> {
  if (typeof document === 'undefined') return;

  const run = async <T>(step: PurgeStep, setting: T | false, task: (setting: T, report: Report) => void | Promise<void>) => {
    if (setting === false) return;
    const report: Report = (error) => failed(step, error instanceof Error ? error : new Error(String(error)));
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
}
