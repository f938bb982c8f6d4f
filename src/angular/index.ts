// Angular bindings: standalone providers, a signal, a functional interceptor and guard, all
// thin over the public Session API. Nothing here is decorated, so the package needs no
// Angular compiler step of its own: plain functions and an InjectionToken work with any build.
import {
  DestroyRef,
  InjectionToken,
  PLATFORM_ID,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
  runInInjectionContext,
  signal,
  Injector,
  type EnvironmentProviders,
  type Signal,
} from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import { HttpErrorResponse, HttpHeaders, HttpResponse, type HttpEvent, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { Router, type ActivatedRouteSnapshot, type CanActivateChildFn, type CanActivateFn, type UrlTree } from '@angular/router';
import { Observable } from 'rxjs';
import { SERVER_SNAPSHOT } from '../bindings/server-snapshot.js';
import { TokenwardError } from '../errors.js';
import { createOriginPolicy } from '../http/origins.js';
import { resolveOptions } from '../options.js';
import { createSession } from '../session.js';
import type { LoginCredentials, LogoutReason, Session, SessionOptions, SessionState } from '../index.js';

/** The app's session, with its state as a signal. On the server: `loading` for good, and no session behind it. */
export interface TokenwardSession<Login = LoginCredentials> extends Session<Login> {
  /** The current state snapshot, read in templates and `computed`s like any signal. */
  readonly state: Signal<SessionState>;
}

export interface AuthGuardOptions {
  /**
   * Where `authGuard` sends a signed-out user, and where a protected route goes when its
   * session ends (a logout in this tab or another, expiry, idle): a URL, or a function of the
   * URL they wanted (or were on) and, when a session just ended there, why. It runs in an
   * injection context, so it may `inject(Router)`: e.g.
   * `(url, reason) => inject(Router).createUrlTree(['/login'], { queryParams: { next: url, reason } })`.
   */
  login: string | ((url: string, reason?: LogoutReason) => string | UrlTree);
}

interface Binding {
  readonly session: TokenwardSession<never>;
  /** Null on the server: nothing there is trusted with credentials. */
  readonly trusts: ((url: string) => boolean) | null;
}

const BINDING = new InjectionToken<Binding>('tokenward');
const GUARD = new InjectionToken<AuthGuardOptions>('tokenward guard');

const noSession = (): TokenwardError => new TokenwardError('unauthenticated', 'tokenward/angular: there is no session on the server');

/**
 * What the server renders with: the refresh cookie and the vault belong to the browser, so
 * there is no session to create (and no timer, request or channel to start), only `loading`.
 */
function serverSession(): TokenwardSession<never> {
  const fail = (): Promise<never> => Promise.reject(noSession());
  return {
    state: signal(SERVER_SNAPSHOT).asReadonly(),
    // Never ready: the guard does not wait for it on the server.
    ready: new Promise(() => undefined),
    get http(): never {
      throw noSession();
    },
    fetch: fail,
    getState: () => SERVER_SNAPSHOT,
    subscribe: () => () => undefined,
    on: () => () => undefined,
    login: fail,
    setTokens: fail,
    getAccessToken: fail,
    refresh: fail,
    logout: fail,
    dispose: () => undefined,
  };
}

function createBinding(options: SessionOptions<never>): Binding {
  if (!isPlatformBrowser(inject(PLATFORM_ID))) return { session: serverSession(), trusts: null };
  const session = createSession(options);
  const state = signal(session.getState());
  session.subscribe((next) => state.set(next));
  // The app's environment injector is destroyed with the app (`appRef.destroy()`, a test's teardown).
  inject(DestroyRef).onDestroy(() => session.dispose());
  const { baseUrl, trustedOrigins } = resolveOptions(options);
  // The session's methods are bound own properties, so they survive the spread.
  return { session: { ...session, state: state.asReadonly() }, trusts: createOriginPolicy(baseUrl, trustedOrigins) };
}

/**
 * Creates the app's one session (`createSession(options)`) when the app starts, and disposes
 * it with the app. With `guard`, `authGuard` sends signed-out users to `guard.login`, and a
 * protected route is left for it as soon as the session ends, in this tab or another.
 *
 * @example
 * ```ts
 * bootstrapApplication(App, {
 *   providers: [
 *     provideTokenward({ baseUrl: 'https://api.example.com' }, { login: '/login' }),
 *     provideHttpClient(withInterceptors([tokenwardInterceptor])),
 *     provideRouter(routes),
 *   ],
 * });
 * ```
 */
export function provideTokenward<Login = LoginCredentials>(options: SessionOptions<Login> = {}, guard?: AuthGuardOptions): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: BINDING, useFactory: () => createBinding(options) },
    guard ? { provide: GUARD, useValue: guard } : [],
    // Eager: the session restores itself and follows other tabs from the start, not from its first use.
    provideEnvironmentInitializer(() => {
      const { session } = inject(BINDING);
      if (guard) leaveOnLogout(session, inject(Router), guard, inject(Injector));
    }),
  ]);
}

/** The app's session: its state as a signal, and `login`, `logout`, `refresh`, `fetch`, `http`... Call it in an injection context. */
export function injectSession<Login = LoginCredentials>(): TokenwardSession<Login> {
  const binding = inject(BINDING, { optional: true });
  if (!binding) throw new Error('tokenward/angular: injectSession() needs provideTokenward() in the app providers');
  return binding.session;
}

/** The URL for the login page, from the options, in the injector's context. */
function loginTarget(router: Router, { login }: AuthGuardOptions, url: string, reason?: LogoutReason): UrlTree {
  const target = typeof login === 'string' ? login : login(url, reason);
  return typeof target === 'string' ? router.parseUrl(target) : target;
}

/** Whether any route on screen is guarded by `authGuard`. */
function isProtected(route: ActivatedRouteSnapshot): boolean {
  const config = route.routeConfig;
  const guarded = [config?.canActivate, config?.canActivateChild].some((guards) => guards?.includes(authGuard));
  return guarded || route.children.some(isProtected);
}

function leaveOnLogout(session: Session<never>, router: Router, guard: AuthGuardOptions, injector: Injector): void {
  session.on('logout', ({ reason }) => {
    if (!isProtected(router.routerState.snapshot.root)) return;
    const target = runInInjectionContext(injector, () => loginTarget(router, guard, router.url, reason));
    // A navigation another guard refuses is the router's to report, never an unhandled rejection.
    router.navigateByUrl(target).catch(() => undefined);
  });
}

/**
 * `canActivate: [authGuard]` (or `canActivateChild`): waits until the session is
 * ready, lets signed-in users through and sends signed-out ones to the `login` given to
 * `provideTokenward`. On the server it lets nothing protected render: there is no session there.
 */
export const authGuard: CanActivateFn & CanActivateChildFn = (_route, state) => {
  const guard = inject(GUARD, { optional: true });
  if (!guard) throw new Error('tokenward/angular: authGuard needs provideTokenward(options, { login })');
  const { session, trusts } = inject(BINDING);
  if (!trusts) return false;
  const router = inject(Router);
  const injector = inject(Injector);
  return session.ready.then(() =>
    session.getState().status === 'authenticated' ? true : runInInjectionContext(injector, () => loginTarget(router, guard, state.url)),
  );
};

/** The body of a fetch Response as HttpClient was asked for it. */
async function readBody(response: Response, type: HttpRequest<unknown>['responseType']): Promise<unknown> {
  if (type === 'blob') return response.blob();
  if (type === 'arraybuffer') return response.arrayBuffer();
  const text = await response.text();
  // HttpClient's own backends answer an empty JSON body with null.
  return type === 'json' && text ? JSON.parse(text) : type === 'json' ? null : text;
}

/** The HttpRequest as a fetch Request: its URL (with params), method, headers and serialized body. */
function toFetch(request: HttpRequest<unknown>, url: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const name of request.headers.keys()) headers.set(name, request.headers.getAll(name)!.join(','));
  const type = request.detectContentTypeHeader();
  if (type && !headers.has('Content-Type')) headers.set('Content-Type', type);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json, text/plain, */*');
  return new Request(url, { method: request.method, headers, body: request.serializeBody() as BodyInit | null, signal });
}

/**
 * `provideHttpClient(withInterceptors([tokenwardInterceptor]))`: requests to the base URL and
 * the trusted origins go out through `session.fetch` (bearer token or DPoP proof, cookies, CSRF
 * header; on a 401 one refresh, shared by every request in flight, and one retry). Every other
 * request goes on to the next handler untouched. Trusted requests answer with the response
 * only: no progress events, and no `Sent` event.
 */
export const tokenwardInterceptor: HttpInterceptorFn = (request, next) => {
  const { session, trusts } = inject(BINDING);
  // Relative URLs are the app's own: resolved the way the browser resolves them.
  const url = trusts && new URL(request.urlWithParams, document.baseURI).href;
  if (!url || !trusts?.(url)) return next(request);
  return new Observable<HttpEvent<unknown>>((subscriber) => {
    const abort = new AbortController();
    const answer = (response?: Response) => ({
      url,
      status: response?.status ?? 0,
      statusText: response?.statusText ?? 'Unknown Error',
      headers: new HttpHeaders(response && Object.fromEntries(response.headers)),
    });
    const fail = (error: unknown, response?: Response) => subscriber.error(new HttpErrorResponse({ ...answer(response), error }));
    session.fetch(toFetch(request, url, abort.signal)).then(async (response) => {
      let body: unknown;
      try {
        body = await readBody(response, request.responseType);
      } catch (error) {
        return fail(error, response);
      }
      if (!response.ok) return fail(body, response);
      subscriber.next(new HttpResponse({ ...answer(response), body }));
      subscriber.complete();
    }, fail);
    return () => abort.abort();
  });
};
