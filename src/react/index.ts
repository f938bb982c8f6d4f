// React bindings: a thin adapter over the public Session API, like TanStack Query's.
// The app creates the session once, outside React; components only read it. So StrictMode
// double mounts and hot reloads re-run this code without ever creating a second session.
import { createContext, createElement, useCallback, useContext, useEffect, useState, useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import { SERVER_SNAPSHOT } from '../bindings/server-snapshot.js';
import type { Session, SessionState } from '../index.js';

const SessionContext = createContext<Session | null>(null);
SessionContext.displayName = 'TokenwardSession';

export interface SessionProviderProps {
  /** The session the app created with `createSession`, once, outside any component. */
  session: Session;
  children?: ReactNode;
}

/** Makes `session` available to the hooks below. It never creates, disposes or subscribes to the session. */
export function SessionProvider({ session, children }: SessionProviderProps): ReactElement {
  // `.Provider` rather than React 19's `<Context>`: React 18 needs it.
  return createElement(SessionContext.Provider, { value: session }, children);
}

/**
 * The session from the nearest SessionProvider, for authenticated requests
 * (`session.http`, `session.fetch`) and actions (`login`, `logout`, `refresh`).
 */
export function useSessionClient(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('tokenward/react: useSessionClient() needs a <SessionProvider session={...}> above it');
  return session;
}

const getServerSnapshot = (): SessionState => SERVER_SNAPSHOT;

/** The current state snapshot; the component re-renders when it changes. `loading` during server rendering and hydration. */
export function useSession(): SessionState {
  const session = useSessionClient();
  // Called as methods, so a Session whose methods are not pre-bound works too; stable per session,
  // so React subscribes once per mount rather than on every render.
  const subscribe = useCallback((onChange: () => void) => session.subscribe(onChange), [session]);
  const getSnapshot = useCallback(() => session.getState(), [session]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

/**
 * The current access token, or null when signed out (and always in cookie mode). It is asked for
 * again on every state change; an answer that arrives after a newer question, or after unmount,
 * is dropped. Prefer `useSessionClient().http` for requests: it fetches the token per request.
 */
export function useAccessToken(): string | null {
  const session = useSessionClient();
  const state = useSession();
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => {
    // Forget the old session's token, so that the next login starts from null rather than from it.
    if (state.status !== 'authenticated') {
      // One extra render on sign-out is the price of never showing a token after its session.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setToken(null);
      return;
    }
    let current = true;
    session.getAccessToken().then(
      (value) => current && setToken(value),
      // No valid token right now (a transient refresh failure): the session reports it as state and events.
      () => current && setToken(null),
    );
    return () => {
      current = false;
    };
  }, [session, state]);
  // Signed out shows at once, without waiting for the effect: a token never outlives its session on screen.
  return state.status === 'authenticated' ? token : null;
}
