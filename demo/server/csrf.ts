// CSRF protection by double submit: a readable cookie holds a random token, and
// page script must copy it into a header. Another site can make the browser send
// the cookie but cannot read it, so it cannot produce the matching header.
//
// Two more rules make the token worth more than a bare double submit:
// - It is rotated at login and kept in the session, and the header must match that
//   copy too: a token planted before login (cookie tossing from a sibling subdomain,
//   a shared computer) is worthless afterwards.
// - Login, refresh and session-check responses also carry it in the `X-XSRF-TOKEN`
//   response header, because a page on another site (cross-origin setup, CORS
//   allow-list) cannot read this server's cookies but can read an exposed header.
// - Such a page keeps that token in memory only, so its first call after a reload has none:
//   for a refresh or a logout without the header, an Origin on the allow-list is taken instead.
//   Never elsewhere: a plain HTML form on the allowed origin could post to any other route.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, NextFunction, Request, Response } from 'express';
import { baseCookieOptions, isSecure, namesFor, type ServerContext } from './context.ts';

export const CSRF_HEADER = 'X-XSRF-TOKEN';

export function csrfCookieOptions(ctx: ServerContext, req: Request): CookieOptions {
  // Deliberately NOT HttpOnly: the SDK reads it from document.cookie.
  return { ...baseCookieOptions(ctx, isSecure(ctx, req)), httpOnly: false, path: '/' };
}

// CSPRNG, 256 bits: the token must not be guessable.
const newToken = (): string => randomBytes(32).toString('base64url');

function setToken(ctx: ServerContext, req: Request, res: Response, token: string): void {
  res.cookie(namesFor(ctx, req).csrf, token, csrfCookieOptions(ctx, req));
  res.locals.csrf = token;
}

/** Sets a fresh CSRF cookie on any response whose request lacks one. */
export function issueCsrfCookie(ctx: ServerContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!cookieToken(ctx, req)) setToken(ctx, req, res, newToken());
    next();
  };
}

/**
 * After the session is loaded: the cookie carries the session's token. It may have gone (the CSRF
 * cookie ends with the browser, the session cookie does not) or been replaced by someone else's.
 */
export function keepCsrfBound(ctx: ServerContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const bound = req.session?.csrf;
    if (bound && cookieToken(ctx, req) !== bound) setToken(ctx, req, res, bound);
    next();
  };
}

function cookieToken(ctx: ServerContext, req: Request): string | undefined {
  const value: unknown = req.cookies?.[namesFor(ctx, req).csrf];
  return typeof value === 'string' && value ? value : undefined;
}

/** At login: a new token, bound to the new session, in the cookie and the response header. */
export function rotateCsrf(ctx: ServerContext, req: Request, res: Response): void {
  const token = newToken();
  setToken(ctx, req, res, token);
  req.session.csrf = token;
  exposeCsrf(ctx, req, res);
}

/** Puts the current token in the response header, for a page that cannot read our cookies. */
export function exposeCsrf(ctx: ServerContext, req: Request, res: Response): void {
  const token = (res.locals.csrf as string | undefined) ?? req.session?.csrf ?? cookieToken(ctx, req);
  if (token) res.set(CSRF_HEADER, token);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Header sent, equal to the cookie, and to the session's token when there is a session (constant
 * time). With `originMayStandIn` (refresh and logout only), a request without the header from an
 * allow-listed Origin passes too.
 */
export function csrfHeaderMatches(ctx: ServerContext, req: Request, originMayStandIn = false): boolean {
  const cookie = cookieToken(ctx, req);
  const header = req.get(CSRF_HEADER);
  // A page on an allowed other site cannot read our cookie, and the token it kept in memory is
  // gone after every reload (its first refresh then has none). For it, the Origin header stands
  // in: browsers send it on every cross-origin request and page script cannot set it. Only where
  // the SDK itself calls after a reload: a form on that origin could post header-less anywhere.
  if (originMayStandIn && header === undefined && ctx.corsOrigins.has(req.get('origin') ?? '')) return true;
  if (!cookie || !header || !same(cookie, header)) return false;
  const bound = req.session?.csrf;
  return !bound || same(bound, header);
}

/** Login does not need the header (the cookie may not exist yet), but a header that is sent must match. */
export function csrfHeaderAbsentOrMatches(ctx: ServerContext, req: Request): boolean {
  return req.get(CSRF_HEADER) === undefined || csrfHeaderMatches(ctx, req);
}

export function rejectCsrf(res: Response): void {
  res.status(403).json({ error: 'csrf' });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}
