import { TokenwardError } from './errors.js';
import { DEFAULT_CSRF } from './http/csrf.js';
import { DEFAULT_BACKOFF } from './refresh/backoff.js';
import type { Endpoints, ResolvedOptions, SessionOptions } from './contract/options.js';

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
