// Svelte bindings: the session as a Svelte store, which `$store` reads in any component and
// `fromStore` turns into runes state; a context carries the session the app created.
// Thin over the public Session API: a store is only `subscribe` that calls back at once.
import { getContext, setContext } from 'svelte';
import { SERVER_SNAPSHOT } from '../bindings/server-snapshot.js';
import type { Session, SessionState } from '../index.js';

/** Svelte's store contract, structurally (svelte/store's `Readable`). */
export interface SessionStore {
  subscribe(run: (state: SessionState) => void): () => void;
}

const serverStore: SessionStore = {
  subscribe(run) {
    run(SERVER_SNAPSHOT);
    return () => undefined;
  },
};

/**
 * The session's state as a readable store: `$state.status` in a template, or
 * `const state = fromStore(store)` then `state.current` with runes. During server rendering
 * it is `loading` and never subscribes to the session (nothing there would unsubscribe).
 */
export function sessionStore(session: Session): SessionStore {
  // The same test the core makes: no window, no browser session to follow.
  if (typeof window === 'undefined') return serverStore;
  return {
    subscribe(run) {
      run(session.getState());
      return session.subscribe(run);
    },
  };
}

const KEY = Symbol('tokenward session');

/** In the root component's script: makes `session` (created once by the app) available to `getSession()` below. */
export function setSession(session: Session): void {
  setContext(KEY, session);
}

/** In a component's script: the session `setSession` made available, for its methods, `http` and `fetch`. */
export function getSession(): Session {
  const session = getContext<Session | undefined>(KEY);
  if (!session) throw new Error('tokenward/svelte: getSession() needs setSession(session) in a parent component');
  return session;
}
