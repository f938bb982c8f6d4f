// Vue bindings: a thin adapter over the public Session API, like TanStack Query's.
// The app creates the session once and hands it to the plugin; components only read it.
import {
  getCurrentScope,
  hasInjectionContext,
  inject,
  onScopeDispose,
  shallowReadonly,
  shallowRef,
  ssrContextKey,
  type App,
  type InjectionKey,
  type ShallowRef,
} from 'vue';
import { SERVER_SNAPSHOT } from '../bindings/server-snapshot.js';
import type { LogoutReason, Session, SessionState } from '../index.js';

/** Where the plugin provides the session: `inject(sessionKey)` outside of useSessionClient(), e.g. in a Pinia store. */
export const sessionKey: InjectionKey<Session> = Symbol('tokenward session');

export interface TokenwardPlugin {
  install(app: App): void;
}

/** `app.use(createTokenwardPlugin(session))`: provides the session the app created to every component. */
export function createTokenwardPlugin(session: Session): TokenwardPlugin {
  return {
    install(app) {
      app.provide(sessionKey, session);
    },
  };
}

/** The provided session; errors name the composable the app called. */
function provided(composable: string): Session {
  if (!hasInjectionContext()) throw new Error(`tokenward/vue: ${composable} outside setup()`);
  const session = inject(sessionKey, null);
  if (!session) throw new Error(`tokenward/vue: ${composable} needs app.use(createTokenwardPlugin(session))`);
  return session;
}

/**
 * The provided session, for authenticated requests (`session.http`, `session.fetch`) and actions
 * (`login`, `logout`, `refresh`). Call it in `setup`, like any `inject`.
 */
export function useSessionClient(): Session {
  return provided('useSessionClient()');
}

/**
 * The current state snapshot as a read-only shallow ref, updated on every change and released
 * with the calling component (or effect scope). `loading` during server rendering, with or
 * without the plugin there. Outside any scope (a router guard, say) nothing would ever release a
 * subscription, so there it warns and hands out the current snapshot only, as vue-query warns
 * about its composables.
 */
export function useSession(): Readonly<ShallowRef<SessionState>> {
  // The server has no session to follow, and never unmounts: a subscription there would leak.
  if (hasInjectionContext() && inject(ssrContextKey, null) !== null) return shallowReadonly(shallowRef(SERVER_SNAPSHOT));
  const session = provided('useSession()');
  const state = shallowRef(session.getState());
  if (!getCurrentScope()) {
    console.warn('tokenward/vue: useSession() outside a scope does not follow the session');
  } else {
    onScopeDispose(
      session.subscribe((next) => {
        state.value = next;
      }),
    );
  }
  return shallowReadonly(state);
}

/** The part of a route the guard reads; vue-router's route locations have it. */
export interface GuardRoute {
  readonly fullPath: string;
  readonly meta: Readonly<Record<PropertyKey, unknown>>;
}

export interface AuthGuardOptions<Location> {
  /**
   * Where a signed-out user goes instead: a vue-router location (`'/login'`, `{ name: 'login' }`),
   * or a function of the route they wanted (or were on) and, when a session just ended there
   * (see `leaveOnLogout`), why: e.g.
   * `(to, reason) => ({ name: 'login', query: { next: to.fullPath, ...(reason && { reason }) } })`.
   */
  login: Location | ((to: GuardRoute, reason?: LogoutReason) => Location);
  /** Which routes need a session. Default: those whose `meta.requiresAuth` is true. */
  requiresAuth?: (to: GuardRoute) => boolean;
}

/** The part of a router `leaveOnLogout` uses; vue-router's router has it. */
export interface LogoutRouter<Location> {
  readonly currentRoute: { readonly value: GuardRoute };
  replace(to: Location): unknown;
}

/** The routes the options protect, and where to send someone away from them. */
function protection<Location>({ login, requiresAuth = (to) => to.meta.requiresAuth === true }: AuthGuardOptions<Location>) {
  // A route location is a string or a plain object, never a function: TypeScript cannot tell from the generic alone.
  const away = typeof login === 'function' ? (login as (to: GuardRoute, reason?: LogoutReason) => Location) : () => login;
  return { requiresAuth, away };
}

/**
 * A navigation guard for `router.beforeEach`: waits until the session is `ready`, then lets
 * signed-in users through and redirects signed-out ones to `login`. Typed structurally, so
 * vue-router is not a dependency.
 */
export function createAuthGuard<Location extends string | object>(
  session: Session,
  options: AuthGuardOptions<Location>,
): (to: GuardRoute) => Promise<true | Location> {
  const { requiresAuth, away } = protection(options);
  return async (to) => {
    if (!requiresAuth(to)) return true;
    await session.ready;
    return session.getState().status === 'authenticated' ? true : away(to);
  };
}

/**
 * The guard's companion for a session that ends while a protected route is shown (a logout in
 * this tab or another, expiry, idle): replaces the route with `login`, called with the route
 * and the logout reason so the login page can say why. Same options as `createAuthGuard`.
 * Returns the function that stops it.
 */
export function leaveOnLogout<Location extends string | object>(
  session: Session,
  router: LogoutRouter<Location>,
  options: AuthGuardOptions<Location>,
): () => void {
  const { requiresAuth, away } = protection(options);
  return session.on('logout', ({ reason }) => {
    const route = router.currentRoute.value;
    // A navigation that fails (another guard said no) is vue-router's to report; it must not become an unhandled rejection.
    if (requiresAuth(route)) Promise.resolve(router.replace(away(route, reason))).catch(() => undefined);
  });
}
