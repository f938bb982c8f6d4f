import type { TokenwardError } from './errors.js';
import { createEmitter } from './events.js';
import type { JwtClaims } from './tokens.js';

export type SessionStatus = 'loading' | 'authenticated' | 'unauthenticated';

/**
 * An immutable snapshot of the session. The same object is handed out until something
 * changes, so it can feed `useSyncExternalStore` and `shallowRef` directly.
 * It never contains the access token itself: ask `getAccessToken()` for that.
 */
export interface SessionState {
  readonly status: SessionStatus;
  /** When the access token (or, in cookie mode, the server session's freshness) expires, ms since epoch. */
  readonly expiresAt: number | null;
  /** Decoded JWT claims of the access token, when it is a JWT. */
  readonly claims: JwtClaims | null;
  /** A refresh is in flight. */
  readonly refreshing: boolean;
  /**
   * Beside `status: 'authenticated'`: the access token has expired and no fresh one could be had
   * yet (the API is down, say). The session is kept and retried, but calls that need a token
   * fail meanwhile: show it ("signed in, reconnecting…"). Cleared by the next successful refresh.
   */
  readonly expired: boolean;
  /** The last transient failure, cleared by the next success; the session is still alive. */
  readonly error: TokenwardError | null;
}

export type Listener<T> = (value: T) => void;

export interface Store<T> {
  // Properties, not methods: none needs a `this`, so each may be handed on alone.
  readonly get: () => T;
  /** Applies a partial update; listeners hear only real changes. */
  readonly update: (patch: Partial<T>) => void;
  readonly subscribe: (listener: Listener<T>) => () => void;
}

export const INITIAL_STATE: SessionState = Object.freeze({
  status: 'loading',
  expiresAt: null,
  claims: null,
  refreshing: false,
  expired: false,
  error: null,
});

export function createStore<T extends object>(initial: T): Store<T> {
  let snapshot = initial;
  // Listeners are app code: the emitter keeps one that throws from breaking the update
  // (a logout must go on to purge) or starving the listeners after it.
  const changes = createEmitter<{ change: T }>();
  return {
    get: () => snapshot,
    update(patch) {
      const changed = (Object.keys(patch) as Array<keyof T>).some((key) => !Object.is(snapshot[key], patch[key]));
      if (!changed) return;
      snapshot = Object.freeze({ ...snapshot, ...patch });
      changes.emit('change', snapshot);
    },
    subscribe: (listener) => changes.on('change', listener),
  };
}
