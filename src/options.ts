import type { DpopSupport } from './dpop/index.js';
import { TokenwardError } from './errors.js';
import { DEFAULT_CSRF, type CsrfOptions } from './http/csrf.js';
import type { FlowFactory } from './flows/flow.js';
import type { Endpoints } from './http/auth-api.js';
import type { PurgeOptions } from './logout/purge.js';
import type { IdleTimeout } from './sync/idle.js';
import type { SessionCheck } from './sync/session-check.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './refresh/backoff.js';
import type { LoginCredentials } from './session.js';
import type { SessionMode } from './tokens.js';

/** Where the session is kept: the encrypted IndexedDB vault, or this tab's memory only. */
export type StorageKind = 'indexeddb' | 'memory';

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

const DEFAULT_ENDPOINTS: Endpoints = { login: '/auth/login', refresh: '/auth/refresh', logout: '/auth/logout' };

const HTTP = /^https?:$/;

/**
 * `value` if it is an absolute http: or https: URL (with `origin`, nothing but an origin);
 * anything else would trust nothing, or data:/file: URLs, without a word.
 */
function httpUrl(value: string, what: string, origin?: boolean): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // refused below
  }
  if (!url || !HTTP.test(url.protocol) || (origin && url.href !== `${url.origin}/`)) {
    throw new TokenwardError('invalid_options', `${what}: not an absolute http(s) ${origin ? 'origin' : 'URL'}: ${value}`);
  }
  return value;
}

/** Checks and completes the options; throws `invalid_options` for one that cannot be right. */
export function resolveOptions<Login>(options: SessionOptions<Login>): ResolvedOptions {
  const page = globalThis.location;
  // An option given as undefined takes its default, as an option left out does.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as SessionOptions<Login>;
  const { baseUrl, trustedOrigins = [] } = given;
  return {
    mode: 'bearer',
    csrf: DEFAULT_CSRF,
    refreshLeeway: 30,
    storage: 'indexeddb',
    name: 'tokenward',
    timeout: 10_000,
    ...given,
    // A file:// page (origin "null") or an app:// shell has no server to talk to unless told.
    baseUrl: baseUrl === undefined ? (page && HTTP.test(page.protocol) ? page.origin : undefined) : httpUrl(baseUrl, 'baseUrl'),
    endpoints: { ...DEFAULT_ENDPOINTS, ...given.endpoints },
    trustedOrigins: trustedOrigins.map((origin) => httpUrl(origin, 'trustedOrigins', true)),
    backoff: { ...DEFAULT_BACKOFF, ...given.backoff },
    sessionCheck: given.sessionCheck || undefined,
  };
}
