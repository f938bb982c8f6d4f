/** Double-submit CSRF: the server sets a readable cookie, we echo it in a header. */
export interface CsrfOptions {
  /** Name of the readable cookie the server sets (express: `XSRF-TOKEN`, Django: `csrftoken`). */
  readonly cookie: string;
  /** Header that carries it back (express: `X-XSRF-TOKEN`, Django: `X-CSRFToken`). */
  readonly header: string;
}

export const DEFAULT_CSRF: CsrfOptions = { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Value of a cookie readable by this page, or null (also outside a browser). */
export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const pair of document.cookie.split(';')) {
    const index = pair.indexOf('=');
    if (index > 0 && pair.slice(0, index).trim() === name) {
      const value = pair.slice(index + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

/** The CSRF header to send, read now: call it when the request is made, not later. */
export function csrfHeader(csrf: CsrfOptions | false): Record<string, string> {
  if (!csrf) return {};
  const token = readCookie(csrf.cookie);
  return token === null ? {} : { [csrf.header]: token };
}
