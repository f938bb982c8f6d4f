import { promisifyRequest } from 'idb-keyval';
import { bounded } from '../bounded.js';

/**
 * How long we wait for one database to be deleted. A connection that ignores `versionchange`
 * (usually in another tab) blocks the deletion, and a deletion queued behind another tab's gets
 * no `blocked` event at all; either way the browser keeps it queued and completes it once those
 * connections close. Only our wait ends, so that a logout is never held up for long.
 */
const WAIT_LIMIT_MS = 2_000;

/** Deletes one database: resolves once it is gone, rejects on error or when it is still pending after the limit. */
export function deleteDatabase(name: string): Promise<unknown> {
  return bounded(
    promisifyRequest(indexedDB.deleteDatabase(name)),
    AbortSignal.timeout(WAIT_LIMIT_MS),
    () => new Error(`"${name}" not deleted: a connection is open`),
  );
}

/** The names of every database of this origin (`indexedDB.databases()`), or a rejection when the browser does not answer. */
export async function allDatabaseNames(): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') {
    throw new Error('no indexedDB.databases(): list them in purge.indexedDB');
  }
  // Chromium leaves a listing asked for while the origin's storage is wiped (the logout call's
  // Clear-Site-Data answer, arriving meanwhile) unanswered for good; one asked for after the wipe answers.
  const list = () => bounded(indexedDB.databases(), AbortSignal.timeout(WAIT_LIMIT_MS), () => new Error('no list of databases'));
  const infos = await list().catch(list);
  return infos.flatMap((info) => (info.name ? [info.name] : []));
}
