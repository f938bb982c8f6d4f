import { promisifyRequest } from 'idb-keyval';
import { bounded } from '../bounded.js';

/**
 * How long we wait for one database to be deleted. A connection that ignores `versionchange`
 * (usually in another tab) blocks the deletion, and a deletion queued behind another tab's gets
 * no `blocked` event at all; either way the browser keeps it queued and completes it once those
 * connections close. Only our wait ends, so that a logout is never held up for long.
 */
const WAIT_LIMIT_MS = 2_000;

/** Deletes one database: resolves (to nothing of use) once it is gone, rejects on error or when it is still pending after the limit. */
export function deleteDatabase(name: string): Promise<unknown> {
  return bounded<unknown>(
    promisifyRequest(indexedDB.deleteDatabase(name)),
    AbortSignal.timeout(WAIT_LIMIT_MS),
    () => new Error(`IndexedDB "${name}" not deleted: a connection is open`),
  );
}

/** The names of every database of this origin (`indexedDB.databases()`). */
export async function allDatabaseNames(): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') {
    throw new Error('no indexedDB.databases(): list them in purge.indexedDB');
  }
  const infos = await indexedDB.databases();
  return infos.flatMap((info) => (info.name ? [info.name] : []));
}
