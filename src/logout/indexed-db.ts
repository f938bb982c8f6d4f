import { promisifyRequest } from 'idb-keyval';

/**
 * How long we wait for one database to be deleted. A connection that ignores `versionchange`
 * (usually in another tab) blocks the deletion, and a deletion queued behind another tab's gets
 * no `blocked` event at all; either way the browser keeps it queued and completes it once those
 * connections close. Only our wait ends, so that a logout is never held up for long.
 */
const WAIT_LIMIT_MS = 2_000;

/** Deletes one database: resolves once it is gone, rejects on error or when it is still pending after the limit. */
export function deleteDatabase(name: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" is not deleted yet: still open elsewhere`)), WAIT_LIMIT_MS);
  });
  return Promise.race([promisifyRequest(indexedDB.deleteDatabase(name)), pending]).finally(() => clearTimeout(timer));
}

/** The names of every database of this origin (`indexedDB.databases()`). */
export async function allDatabaseNames(): Promise<string[]> {
  if (!indexedDB.databases) throw new Error('no indexedDB.databases(): list the names in purge.indexedDB');
  return (await indexedDB.databases()).flatMap((info) => (info.name ? [info.name] : []));
}
