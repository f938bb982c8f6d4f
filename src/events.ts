import type { TokenwardError } from './errors.js';
import type { JwtClaims } from './tokens.js';

/** Why a session ended. */
export type LogoutReason =
  /** `logout()` was called in this tab. */
  | 'user'
  /** Another tab logged out. */
  | 'other-tab'
  /** The session ran out while no valid token was held (the refresh was refused on restore or after expiry). */
  | 'expired'
  /** The server refused the refresh (`invalid_grant`) while the session was in use. */
  | 'refresh-rejected'
  /**
   * The refresh endpoint answered three times in a row with a status no retry changes (a 4xx
   * other than 401, 408 and 429, such as a 400 `invalid_client`, a CSRF 403 or a 404), or kept
   * answering with something that is not a token response (an HTML page, a redirect, bad ID-token
   * claims) for `backoff.attempts` tries and `backoff.giveUpAfter` ms (default 5 and 2 minutes);
   * the preceding `error` event carries the last error.
   */
  | 'refresh-failed'
  /** No activity in any tab for `idleTimeout` seconds. */
  | 'idle'
  /** The stored session could not be decrypted or validated. */
  | 'storage-corrupted'
  /** The session check found the session ended on the server (signed out elsewhere, revoked). */
  | 'revoked';

/** Every reason, for checking one that arrives from another tab (a Record, so none can be left out). */
export const LOGOUT_REASONS: Readonly<Record<LogoutReason, 1>> = {
  user: 1,
  'other-tab': 1,
  expired: 1,
  'refresh-rejected': 1,
  'refresh-failed': 1,
  revoked: 1,
  idle: 1,
  'storage-corrupted': 1,
};

/** Where a change came from: this tab's own call, or a message from another tab. */
export type ChangeSource = 'this-tab' | 'other-tab';

/** The events of `session.on(name, handler)`, by name, with what the handler receives. */
export interface SessionEvents {
  /** A session started: `login()` or `setTokens()` in this tab, or a login in another tab. `expiresAt` is in ms since epoch. */
  login: { readonly claims: JwtClaims | null; readonly expiresAt: number; readonly source: ChangeSource };
  /** The access token was renewed, by this tab or by another one (then no network call was made here). */
  refresh: { readonly claims: JwtClaims | null; readonly expiresAt: number; readonly source: ChangeSource };
  /** The session ended in this tab, once it is clean; `reason` says why. Fires only if the tab was signed in. */
  logout: { readonly reason: LogoutReason };
  /** The access token expired and no fresh one could be had yet; the session is kept and retried. */
  expired: { readonly expiresAt: number };
  /** A failure the app did not call for: a background refresh, the server logout call, the purge, storage falling back to memory. */
  error: { readonly error: TokenwardError };
  /** The stored session could not be decrypted or validated: it was wiped and the session ends with reason `storage-corrupted`. */
  'storage-corrupted': { readonly error: TokenwardError };
  /** `idleTimeout` is about to end the session; `logoutAt` is when (ms since epoch). */
  'idle-warning': { readonly logoutAt: number };
}

export type SessionEventName = keyof SessionEvents;
export type SessionEventHandler<K extends SessionEventName> = (event: SessionEvents[K]) => void;

export interface Emitter<E> {
  /** Needs no `this`: it may be passed on alone. */
  on: <K extends keyof E>(name: K, handler: (event: E[K]) => void) => () => void;
  /** Needs no `this`: it may be passed on alone. */
  emit: <K extends keyof E>(name: K, event: E[K]) => void;
  clear(): void;
}

/**
 * A tiny typed emitter. A handler that throws must not break the session or the other
 * handlers, so its error is rethrown on a fresh task where the app's error reporting sees it.
 */
export function createEmitter<E>(): Emitter<E> {
  const handlers = new Map<keyof E, Set<(event: never) => void>>();
  return {
    on(name, handler) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
    emit(name, event) {
      for (const handler of [...(handlers.get(name) ?? [])]) {
        try {
          (handler as (event: E[typeof name]) => void)(event);
        } catch (error) {
          setTimeout(() => {
            throw error;
          });
        }
      }
    },
    clear: () => handlers.clear(),
  };
}
