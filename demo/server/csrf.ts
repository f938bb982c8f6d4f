// CSRF protection by double submit: a readable cookie holds a random token, and
// page script must copy it into a header. Another site can make the browser send
// the cookie but cannot read it, so it cannot produce the matching header.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, NextFunction, Request, Response } from 'express';

export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'x-xsrf-token';

export function csrfCookieOptions(secure: boolean): CookieOptions {
  // Deliberately NOT HttpOnly: the SDK reads it from document.cookie.
  return { httpOnly: false, sameSite: 'lax', secure, path: '/' };
}

/** Sets a fresh CSRF cookie on any response whose request lacks one. */
export function issueCsrfCookie(secure: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.cookies?.[CSRF_COOKIE]) {
      // CSPRNG, 256 bits: the token must not be guessable.
      res.cookie(CSRF_COOKIE, randomBytes(32).toString('base64url'), csrfCookieOptions(secure));
    }
    next();
  };
}

/** Header sent and equal to the cookie (compared in constant time). */
export function csrfHeaderMatches(req: Request): boolean {
  const cookie = req.cookies?.[CSRF_COOKIE];
  const header = req.get(CSRF_HEADER);
  if (typeof cookie !== 'string' || !cookie || !header) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Login does not need the header (the cookie may not exist yet), but a header that is sent must match. */
export function csrfHeaderAbsentOrMatches(req: Request): boolean {
  return req.get(CSRF_HEADER) === undefined || csrfHeaderMatches(req);
}

export function rejectCsrf(res: Response): void {
  res.status(403).json({ error: 'csrf' });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
