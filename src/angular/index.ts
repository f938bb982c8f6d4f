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
  signal,
  type EnvironmentProviders,
  type Signal,
} from '@angular/core';
import { HttpErrorResponse, HttpHeaders, HttpResponse, type HttpEvent, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { Router, type ActivatedRouteSnapshot, type CanActivateChildFn, type CanActivateFn, type UrlTree } from '@angular/router';
import { Observable } from 'rxjs';
import { SERVER_SNAPSHOT } from '../bindings/server-snapshot.js';
import { createOriginPolicy } from '../http/origins.js';
import { resolveOptions } from '../options.js';
import { createSession } from '../session.js';
import type { LoginCredentials, LogoutReason, Session, SessionOptions, SessionState } from '../index.js';

/** The app's session, with its state as a signal. On the server: `loading` for good, over an inert session that is never signed in. */
export interface TokenwardSession<Login = LoginCredentials> extends Session<Login> {
  /** The current state snapshot, read in templates and `computed`s like any signal. */
  readonly state: Signal<SessionState>;
}

export interface AuthGuardOptions {
  /**
   * Where `authGuard` sends a signed-out user, and where a protected route goes when its
   * session ends (a logout in this tab or another, expiry, idle): a URL, or a function of the
   * URL they wanted (or were on), why when a session just ended there, and the router: e.g.
   * `(url, reason, router) => router.createUrlTree(['/login'], { queryParams: { next: url, reason } })`.
   */
  login: string | ((url: string, reason: LogoutReason | undefined, router: Router) => string | UrlTree);
}

interface Binding {
  readonly session: TokenwardSession<never>;
  /** Null on the server: nothing there is trusted with credentials. */
  readonly trusts: ((url: string) => boolean) | null;
}

// Their descriptions end Angular's "No provider for" error when one is missing: they say what to add.
const BINDING = new InjectionToken<Binding>('provideTokenward()');
const GUARD = new InjectionToken<AuthGuardOptions>('provideTokenward(options, { login })');

function createBinding(options: SessionOptions<never>, guard: AuthGuardOptions | undefined): Binding {
  // What isPlatformBrowser() compares, without importing @angular/common for it.
  const browser = inject(PLATFORM_ID) === 'browser';
  // The refresh cookie and the vault belong to the browser: the server gets an inert session in
  // memory, without a flow, baseUrl, timer or channel, that is never signed in and shows `loading`.
  const session = createSession(browser ? options : { storage: 'memory' });
  const state = signal(browser ? session.getState() : SERVER_SNAPSHOT);
  // The app's environment injector is destroyed with the app (`appRef.destroy()`, each server render).
  // The session's methods, like the signal's `set`, are bound: they work taken off their object.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- bound: see createSession
  inject(DestroyRef).onDestroy(session.dispose);
  let trusts = null;
  if (browser) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- a closure over the signal's node
    session.subscribe(state.set);
    const router = inject(Router);
    // A protected route on screen when the session ends (here or in another tab) goes to the login page.
    // A navigation another guard refuses is the router's to report, never an unhandled rejection.
    if (guard)
      session.on('logout', ({ reason }) => {
        if (isProtected(router.routerState.snapshot.root)) router.navigateByUrl(loginTarget(router, guard, router.url, reason)).catch(() => undefined);
      });
    trusts = createOriginPolicy(resolveOptions(options));
  }
  return { session: { ...session, state: state.asReadonly() }, trusts };
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
    { provide: BINDING, useFactory: () => createBinding(options, guard) },
    guard ? { provide: GUARD, useValue: guard } : [],
    // Eager: the session restores itself and follows other tabs from the start, not from its first use.
    provideEnvironmentInitializer(() => inject(BINDING)),
  ]);
}

/** The app's session: its state as a signal, and `login`, `logout`, `refresh`, `fetch`, `http`... Call it in an injection context. */
export function injectSession<Login = LoginCredentials>(): TokenwardSession<Login> {
  return inject(BINDING).session;
}

/** The login page's URL, from the options. */
function loginTarget(router: Router, { login }: AuthGuardOptions, url: string, reason?: LogoutReason): UrlTree {
  const target = typeof login === 'string' ? login : login(url, reason, router);
  return typeof target === 'string' ? router.parseUrl(target) : target;
}

/** Whether any route on screen is guarded by `authGuard`. */
const isProtected = ({ routeConfig, children }: ActivatedRouteSnapshot): boolean =>
  [routeConfig?.canActivate, routeConfig?.canActivateChild].some((guards) => guards?.includes(authGuard)) || children.some(isProtected);

/**
 * `canActivate: [authGuard]` (or `canActivateChild`): waits until the session is
 * ready, lets signed-in users through and sends signed-out ones to the `login` given to
 * `provideTokenward`. On the server it lets nothing protected render: there is no session there.
 */
export const authGuard: CanActivateFn & CanActivateChildFn = (_route, state) => {
  const guard = inject(GUARD);
  const router = inject(Router);
  const { session, trusts } = inject(BINDING);
  return !!trusts && session.ready.then(() => session.getState().status === 'authenticated' || loginTarget(router, guard, state.url));
};

/** The body of a fetch Response as HttpClient was asked for it. */
function readBody(response: Response, type: HttpRequest<unknown>['responseType']): Promise<unknown> {
  // HttpClient's own backends answer an empty JSON body with null.
  if (type === 'json') return response.text().then((text): unknown => (text ? JSON.parse(text) : null));
  return response[type === 'arraybuffer' ? 'arrayBuffer' : type]();
}

/** The HttpRequest as a fetch Request: its URL (with params), method, headers and serialized body. */
function toFetch(request: HttpRequest<unknown>, url: string, signal: AbortSignal): Request {
  const headers = new Headers();
  const type = request.detectContentTypeHeader();
  if (type) headers.set('Content-Type', type);
  // Set after the body's own type: a Content-Type the app gave wins.
  for (const name of request.headers.keys()) headers.set(name, request.headers.getAll(name)!.join(','));
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
  // Relative URLs are the app's own: resolved the way the browser resolves them. None is trusted on the server.
  const url = trusts && new URL(request.urlWithParams, document.baseURI).href;
  if (!url || !trusts(url)) return next(request);
  return new Observable<HttpEvent<unknown>>((subscriber) => {
    const abort = new AbortController();
    session.fetch(toFetch(request, url, abort.signal)).then(
      async (response) => {
        let ok = response.ok;
        // A body that cannot be read as asked for is an error with the response, as in HttpClient's own backends.
        const body = await readBody(response, request.responseType).catch((error: unknown) => ((ok = false), error));
        // What HttpClient's responses carry: the body as `body`, or as `error` when the request failed.
        const answer = {
          url,
          status: response.status,
          statusText: response.statusText,
          headers: new HttpHeaders(response.headers),
          body,
          error: body,
        };
        if (!ok) return subscriber.error(new HttpErrorResponse(answer));
        subscriber.next(new HttpResponse(answer));
        subscriber.complete();
      },
      // No response at all: HttpErrorResponse's defaults (status 0, "Unknown Error").
      (error: unknown) => subscriber.error(new HttpErrorResponse({ url, error })),
    );
    return () => abort.abort();
  });
};
