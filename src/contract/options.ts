import type { SessionMode } from '../tokens.js';
import type { DpopSupport } from './dpop.js';
import type { FlowFactory } from './flow.js';
import type { IdleTimeout, SessionCheck } from './part.js';
import type { LoginCredentials } from './session.js';
import type { StorageKind } from './storage.js';

/** Everything createSession accepts. Every field is optional; defaults fit the reference server. */
export interface SessionOptions<Login = LoginCredentials> {
  /**
   * Origin (and base path) of the auth server.
   * @default location.origin
   */
  baseUrl?: string;
  /**
   * Paths of the session endpoints, resolved against baseUrl.
   * @default { login: '/auth/login', refresh: '/auth/refresh', logout: '/auth/logout' }
   */
  endpoints?: Partial<Endpoints>;
  /**
   * `bearer`: the access token comes in the body and goes out as a header. `cookie`: the server session cookie is the only credential.
   * @default 'bearer'
   */
  mode?: SessionMode;
  /**
   * The double-submit cookie and header; `false` to send none. Django: `{ cookie: 'csrftoken', header: 'X-CSRFToken' }`.
   * @default { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' }
   */
  csrf?: CsrfOptions | false;
  /**
   * Seconds before expiry to refresh (capped at half the token lifetime).
   * @default 30
   */
  refreshLeeway?: number;
  /**
   * `indexeddb` (encrypted) keeps the session across reloads; `memory` keeps nothing.
   * @default 'indexeddb'
   */
  storage?: StorageKind;
  /**
   * Namespaces the database and the cross-tab channel.
   * @default 'tokenward'
   */
  name?: string;
  /**
   * Other origins that may receive the bearer token, cookies and CSRF header.
   * @default []
   */
  trustedOrigins?: readonly string[];
  /**
   * Milliseconds before a login, refresh or logout call counts as timed out.
   * @default 10000
   */
  timeout?: number;
  /**
   * Backoff for transient refresh failures, and how long answers that are not a token response
   * are retried before the session ends (`attempts` in a row and `giveUpAfter` ms), in milliseconds.
   * @default { base: 1000, cap: 60000, attempts: 5, giveUpAfter: 120000 }
   */
  backoff?: Partial<BackoffOptions>;
  /**
   * `idleTimeout(seconds, { warning })`: no user activity in any tab for that long ends the
   * session with reason `idle`, after an `idle-warning` event (default 60 s before).
   * @default undefined (no idle timeout)
   */
  idleTimeout?: IdleTimeout;
  /**
   * What logout clears in the browser besides the vault.
   * @default web storage, IndexedDB, Cache Storage and readable cookies, all of them
   */
  purge?: PurgeOptions;
  /**
   * `sessionCheck({ endpoint, interval })`: asks the server whether the session still lives
   * (`GET endpoint`, default `/auth/session` against baseUrl) on wake-ups and every `interval`
   * seconds (default 60) while a tab is visible; a session ended there logs every tab out with reason `revoked`.
   * @default false
   */
  sessionCheck?: SessionCheck | false;
  /** How tokens are obtained, refreshed and revoked. Default: the first-party contract (`baseUrl`, `endpoints`); `oidc()` from `tokenward/oidc` for an OpenID provider. */
  flow?: FlowFactory<Login>;
  /**
   * `dpop` from `tokenward/dpop`: binds the tokens to a non-extractable key pair of this browser
   * (RFC 9449), so that a stolen token is useless without it. Cookie mode has no token to bind: there it only signs the auth calls.
   * @default undefined (bearer tokens)
   */
  dpop?: DpopSupport;
}

export interface ResolvedOptions {
  readonly baseUrl: string | undefined;
  readonly endpoints: Endpoints;
  readonly mode: SessionMode;
  readonly csrf: CsrfOptions | false;
  readonly refreshLeeway: number;
  readonly storage: StorageKind;
  readonly name: string;
  readonly trustedOrigins: readonly string[];
  readonly timeout: number;
  readonly backoff: BackoffOptions;
  readonly idleTimeout?: IdleTimeout | undefined;
  readonly purge?: PurgeOptions | undefined;
  readonly sessionCheck: SessionCheck | undefined;
  readonly flow?: FlowFactory<unknown> | undefined;
  readonly dpop?: DpopSupport | undefined;
}

/** Double-submit CSRF: the server sets a readable cookie, we echo it in a header. */
export interface CsrfOptions {
  /** Name of the readable cookie the server sets (express: `XSRF-TOKEN`, Django: `csrftoken`). */
  readonly cookie: string;
  /** Header that carries it back (express: `X-XSRF-TOKEN`, Django: `X-CSRFToken`). */
  readonly header: string;
}

/** Paths (or absolute URLs) of the server's session endpoints, resolved against `baseUrl`. */
export interface Endpoints {
  readonly login: string;
  readonly refresh: string;
  readonly logout: string;
}

/** Exponential backoff for transient refresh failures, and when to stop retrying; in milliseconds. */
export interface BackoffOptions {
  /**
   * Delay ceiling of the first retry.
   * @default 1000
   */
  readonly base: number;
  /**
   * No retry waits longer than this (unless the server's Retry-After says so).
   * @default 60000
   */
  readonly cap: number;
  /**
   * Refreshes answered with something that is not a token response (an HTML page, a redirect,
   * bad ID-token claims: what a captive portal or a misrouted proxy sends) are retried at least
   * this many times in a row...
   * @default 5
   */
  readonly attempts: number;
  /**
   * ...and for at least this long since the first failure of the run; the failure that meets both
   * ends the session with reason `refresh-failed`. A portal gone by then costs nothing.
   * @default 120000
   */
  readonly giveUpAfter: number;
}

/**
 * What a logout clears besides the vault (which clears itself). Every field is optional and
 * the defaults clear everything this app could have stored in the browser, service workers
 * aside.
 */
export interface PurgeOptions {
  /**
   * `true`: every key; a filter: only the keys it selects; `false`: nothing.
   * @default true
   */
  localStorage?: boolean | PurgeFilter;
  /**
   * This tab's sessionStorage, same choices as `localStorage`. Each tab clears its own.
   * @default true
   */
  sessionStorage?: boolean | PurgeFilter;
  /**
   * IndexedDB databases to delete: `'all'` (every database of the origin, via
   * `indexedDB.databases()`), a list of names, or `false`. The session's own vault database is
   * never deleted here: it clears itself and keeps the signed-out marker.
   * @default 'all'
   */
  indexedDB?: 'all' | readonly string[] | false;
  /**
   * Cache Storage: `true` every cache, a list of cache names, or `false`.
   * @default true
   */
  caches?: boolean | readonly string[];
  /**
   * Cookies readable by page script: `true` all of them, a filter on their names, or
   * `false`. Each is expired under the current path and its parents, host-only and for the
   * host's own Domain, since page script cannot see which Path and Domain a cookie was set with.
   * HttpOnly cookies are the server's to clear, in its logout response.
   * @default true
   */
  cookies?: boolean | PurgeFilter;
  /**
   * Expire the same names on the parent domains too (`Domain=example.com` seen from
   * app.example.com). Off by default: such cookies are shared with the sibling apps on other
   * subdomains, which this would sign out. One left readable is reported as `purge_failed`.
   * @default false
   */
  parentDomainCookies?: boolean;
  /**
   * Unregister this origin's service workers. Off by default: they often serve more than the session.
   * @default false
   */
  serviceWorkers?: boolean;
}

/**
 * Which keys (web storage keys, cookie names) a purge removes, when not all of them.
 * A key is removed when it matches `prefixes` (if given) and `keep` does not claim it.
 */
export interface PurgeFilter {
  /** Only keys starting with one of these are removed. Omitted: every key is a candidate. An empty list removes nothing. */
  readonly prefixes?: readonly string[];
  /** Keys for which this returns true are never removed, whatever `prefixes` says. */
  readonly keep?: (key: string) => boolean;
}

export type { StorageKind } from './storage.js';
