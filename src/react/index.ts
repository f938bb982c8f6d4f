// React bindings: a thin adapter over the public Session API, like TanStack Query's.
// The app creates the session once, outside React; components only read it. So StrictMode
// double mounts and hot reloads re-run this code without ever creating a second session.
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactElement,
  type ReactNode,
} from 'react';
import { SERVER_SNAPSHOT } from '../bindings/server-snapshot.js';
import type { LogoutReason, Session, SessionState } from '../index.js';

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

/** Thrown for a hook used without a provider: it names the hook the app called. */
const noProvider = (hook: string): Error => new Error(`tokenward/react: ${hook} needs a <SessionProvider session={...}> above it`);

/**
 * The provided session, or null while rendering on the server without a provider: there is no
 * session there to follow, so the hooks that read state answer `loading` (a Next.js layout that
 * creates the session in the browser only renders no provider on the server).
 */
function useProvided(hook: string): Session | null {
  const session = useContext(SessionContext);
  if (!session && typeof window !== 'undefined') throw noProvider(hook);
  return session;
}

/**
 * The session from the nearest SessionProvider, for authenticated requests
 * (`session.http`, `session.fetch`) and actions (`login`, `logout`, `refresh`).
 * It needs the provider on the server too, since it has no stand-in to hand out.
 */
export function useSessionClient(): Session {
  const session = useContext(SessionContext);
  if (!session) throw noProvider('useSessionClient()');
  return session;
}

const getServerSnapshot = (): SessionState => SERVER_SNAPSHOT;
const unsubscribed = (): void => undefined;

function useStateOf(session: Session | null): SessionState {
  // Called as methods, so a Session whose methods are not pre-bound works too; stable per session,
  // so React subscribes once per mount rather than on every render.
  const subscribe = useCallback((onChange: () => void) => session?.subscribe(onChange) ?? unsubscribed, [session]);
  const getSnapshot = useCallback(() => session?.getState() ?? SERVER_SNAPSHOT, [session]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

/** The current state snapshot; the component re-renders when it changes. `loading` during server rendering and hydration. */
export function useSession(): SessionState {
  return useStateOf(useProvided('useSession()'));
}

/**
 * The current access token, or null when signed out (and always in cookie mode). It is asked for
 * again on every state change; an answer that arrives after a newer question, or after unmount,
 * is dropped. Prefer `useSessionClient().http` for requests: it fetches the token per request.
 */
export function useAccessToken(): string | null {
  const session = useProvided('useAccessToken()');
  const state = useStateOf(session);
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => {
    // Forget the old session's token, so that the next login starts from null rather than from it.
    if (!session || state.status !== 'authenticated') {
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

/**
 * For the protected part of the tree, with the router of your choice: calls `leave` once per
 * mount, with the logout reason when the session ends while it is shown (a logout in this tab or
 * another, expiry, idle), or without one when it finds no session on arrival (after `ready`).
 * The reason comes with the `logout` event, which follows the state change: so a session seen
 * signed in here waits for it, and a second call (which would record the login page as `next`)
 * never happens. `leave` may change on every render; the latest one is called.
 */
export function useLeaveOnLogout(leave: (reason?: LogoutReason) => void): void {
  const session = useProvided('useLeaveOnLogout()');
  const { status } = useStateOf(session);
  const latest = useRef(leave);
  const mount = useRef({ signedIn: false, left: false });
  useEffect(() => {
    latest.current = leave;
  });
  const go = useCallback((reason?: LogoutReason) => {
    if (mount.current.left) return;
    mount.current.left = true;
    latest.current(reason);
  }, []);
  useEffect(() => session?.on('logout', ({ reason }) => go(reason)), [session, go]);
  useEffect(() => {
    // A new sign-in here (without leaving) may be left again.
    if (status === 'authenticated') mount.current = { signedIn: true, left: false };
    else if (status === 'unauthenticated' && !mount.current.signedIn) go();
  }, [status, go]);
}
