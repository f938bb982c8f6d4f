import type { DpopKey } from '../contract/dpop.js';
import type { Flow } from '../contract/flow.js';
import type { CsrfOptions, PurgeOptions } from '../contract/options.js';
import { TokenwardError, toTokenwardError } from '../errors.js';
import type { CsrfSource } from '../http/csrf.js';
import { vaultDatabaseName } from '../storage/encrypted.js';
import type { RefreshLock } from '../refresh/lock.js';
import type { Vault } from '../storage/vault.js';
import type { TokenSet } from '../tokens.js';
import { purgeClientStorage } from './purge.js';

/** What the logout at the server needs of the session engine. */
export interface ServerLogoutHost {
  readonly flow: Flow<unknown>;
  readonly csrf: CsrfSource;
  readonly vault: Vault;
  readonly lock: RefreshLock;
  /** Reports a failure nobody waits on, as an `error` event. */
  readonly report: (error: TokenwardError) => void;
}

export interface ServerLogout {
  /**
   * The server logout call, once `after` settled (keepalive: it outlives the page). Its failure
   * or slowness never holds up the local logout; once answered with a 2xx, and once `cleared` has
   * written the marker, the marker owes nothing any more. Anything else leaves it owed: an outage,
   * and a refusal too (a 403 after a browser restart, say: the refresh cookie still works). It never signs anyone in.
   */
  call(generation: number, tokens: Promise<TokenSet | null> | null, key: DpopKey | null, after?: Promise<unknown>, cleared?: Promise<unknown>): void;
  /** The call still on its way, if any: settles, never rejects. */
  pending(): Promise<void> | undefined;
}

/**
 * Logout at the server, with the owed retry: the vault's signed-out marker says the call is owed
 * until the server answered it with a 2xx, and the engine calls again (with no tokens) on every page load and
 * wake-up that finds the marker still owed.
 */
export function createServerLogout(host: ServerLogoutHost): ServerLogout {
  let pending: Promise<void> | undefined;
  return {
    call(generation, tokens, key, after, cleared) {
      const send = async (): Promise<void> => {
        const held = await tokens;
        const answered = host.flow.logout(held, key);
        // The call has its CSRF header; the server ends that token with the session.
        host.csrf.forget();
        // A 403 is the CSRF check: after a browser restart the page's new token is bound to no
        // session, and the server may have sent the session's own with the refusal. Once more, read again.
        return answered.catch((error: TokenwardError) => (error.status === 403 ? host.flow.logout(held, key) : Promise.reject(error)));
      };
      const call: Promise<void> = (pending = Promise.resolve(after)
        // The owed retry (no tokens) goes under the cross-tab lock, and only while the vault still owes it:
        // a login, in any tab, holds the lock until its session is in the vault, and the retry would end it.
        .then(() => (tokens ? send() : host.lock.run(async () => (await host.vault.load())?.owed && send())))
        .catch((error: unknown) => {
          const failure = toTokenwardError(error);
          host.report(new TokenwardError('logout_failed', `server logout: ${failure.message}`, { cause: error, status: failure.status }));
          throw failure;
        })
        .then(() => cleared)
        .then(() => host.vault.settle(generation))
        .catch(() => undefined)
        .finally(() => {
          if (pending === call) pending = undefined;
        }));
    },
    pending: () => pending,
  };
}

/** The part of a purge that each tab must do itself: its own sessionStorage. */
export function perTabPurge(purge: PurgeOptions | undefined): PurgeOptions {
  return { sessionStorage: purge?.sessionStorage ?? true, localStorage: false, indexedDB: false, caches: false, cookies: false };
}

/**
 * Clears what the app stored, reporting each step that failed. The session's vault (`name`)
 * clears itself and keeps its signed-out marker; the CSRF cookie may still be needed by a logout call in flight.
 */
export async function purgeApp(
  purge: PurgeOptions | undefined,
  { name, csrf }: { readonly name: string; readonly csrf: CsrfOptions | false },
  report: (error: TokenwardError) => void,
): Promise<void> {
  await purgeClientStorage(purge, [vaultDatabaseName(name)], csrf ? [csrf.cookie] : [], (step, error) =>
    report(new TokenwardError('purge_failed', `could not clear ${step}: ${error.message}`, { cause: error })),
  );
}
