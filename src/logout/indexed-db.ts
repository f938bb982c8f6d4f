/**
 * How long a deletion may stay `blocked` (a connection, usually in another tab, did not close
 * on `versionchange`) before we stop waiting. The deletion itself stays queued in the browser
 * and completes once that connection closes; only our wait ends.
 */
const BLOCKED_GRACE_MS = 1_000;

/**
 * A deletion queued behind another one on the same database (another tab purging at the same
 * time, itself blocked) gets no `blocked` event of its own: this caps that wait.
 */
const PENDING_LIMIT_MS = 3_000;

/** Deletes one database: resolves once it is gone, rejects on error or when it stays pending too long. */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    const giveUpAfter = (ms: number, why: string) =>
      setTimeout(() => {
        reject(new Error(`IndexedDB database "${name}" is not deleted yet (${why}); it will be once every connection to it closes`));
      }, ms);
    let timer = giveUpAfter(PENDING_LIMIT_MS, `still pending after ${PENDING_LIMIT_MS} ms`);
    request.onblocked = () => {
      clearTimeout(timer);
      timer = giveUpAfter(BLOCKED_GRACE_MS, 'blocked by a connection another tab keeps open');
    };
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error ?? new Error(`deleting IndexedDB database "${name}" failed`));
    };
  });
}

/** The names of every database of this origin (`indexedDB.databases()`). */
export async function allDatabaseNames(): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') {
    throw new Error('indexedDB.databases() is not available in this browser: list the databases to delete in purge.indexedDB');
  }
  const infos = await indexedDB.databases();
  return infos.flatMap((info) => (info.name ? [info.name] : []));
}
