import type { CsrfOptions } from '../contract/options.js';

export const DEFAULT_CSRF: CsrfOptions = { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' };

export function isUnsafeMethod(method: string): boolean {
  return !/^(GET|HEAD|OPTIONS|TRACE)$/i.test(method);
}

/** The cookies page script can read here, as [name, value] ('' names a cookie set without one); none outside a browser. */
export function readableCookies(): Array<[name: string, value: string]> {
  if (typeof document === 'undefined') return [];
  return document.cookie
    .split(';')
    .filter((pair) => pair.trim())
    .map((pair) => {
      // Without an '=' (index -1), the name is '' and the value all of it.
      const index = pair.indexOf('=');
      return [pair.slice(0, Math.max(index, 0)).trim(), pair.slice(index + 1).trim()];
    });
}

/** Value of a cookie readable by this page, or null (also outside a browser). */
export function readCookie(name: string): string | null {
  const value = readableCookies().find((cookie) => cookie[0] === name)?.[1];
  if (value === undefined) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Where the CSRF token comes from: the readable cookie, or the latest response from the same origin that carried it in the header. */
export interface CsrfSource {
  /** The CSRF header to send to `url` as [name, value] pairs (none or one), read now: call it when the request is made, not later. */
  header(url: string): Array<[name: string, value: string]>;
  /** Keeps the token a response carried in the CSRF header (named as `csrf.header`), if any, for its origin. */
  remember: (response: Response) => void;
  /** Drops the kept tokens: the session they came with has ended, and a stale one would fail the next login's CSRF check. */
  forget(): void;
}

/**
 * A page on another site than the API cannot read the API's CSRF cookie, so a server may also
 * send the token in a response header (exposed through CORS) on login, refresh and session
 * check. The latest one is kept in memory only, per origin, and wins over the cookie for that
 * origin: it came from the API itself, while a readable cookie of that name may be the page's
 * own server's. One trusted origin's token never goes to another. They are forgotten whenever
 * the session changes hands, so the cookie is read again until the next answer.
 */
export function csrfSource(csrf: CsrfOptions | false): CsrfSource {
  const latest = new Map<string, string>();
  return {
    header(url) {
      if (!csrf) return [];
      const token = latest.get(new URL(url).origin) ?? readCookie(csrf.cookie);
      return token ? [[csrf.header, token]] : [];
    },
    remember(response) {
      const token = csrf && response.headers.get(csrf.header);
      if (token) latest.set(new URL(response.url).origin, token);
    },
    forget() {
      latest.clear();
    },
  };
}

export type { CsrfOptions } from '../contract/options.js';
