// What the route modules share: the parts of the server, and the cookie settings
// that every route must agree on (a cookie is only cleared by a Set-Cookie with the
// same name, Path and attributes as the one that set it).
import type { CookieOptions, Request } from 'express';
import type { Controls } from './controls.ts';
import type { DpopVerifier } from './dpop.ts';
import type { LoginLimiter } from './rate-limit.ts';
import type { RefreshTokenStore } from './refresh-tokens.ts';
import type { SessionStore } from './session-store.ts';
import type { Users } from './users.ts';

declare module 'express-session' {
  interface SessionData {
    user: string;
    familyId: string; // bearer mode: the refresh-token family of this login
    authUntil: number; // cookie mode: ms since the epoch; API calls are allowed until then
    device: string; // random id shown in the device list (never the session id itself)
    label: string; // "Chrome on Linux", from the User-Agent at sign-in
    createdAt: number; // sign-in time, ms; the absolute lifetime counts from here
    lastSeen: number; // last login or refresh, ms
    csrf: string; // the CSRF token issued at this login: the header must match it
  }
}

export interface ServerContext {
  users: Users;
  refreshTokens: RefreshTokenStore;
  sessionStore: SessionStore;
  loginLimiter: LoginLimiter;
  jwtSecret: Buffer;
  /** Signs the session id cookie; also used to read it without express-session (GET /auth/session). */
  sessionSecret: string;
  controls: Controls; // also holds the current access-token TTL and Clear-Site-Data value
  refreshTokenTtl: number; // seconds: the idle expiry
  absoluteLifetime: number; // seconds since sign-in after which no refresh extends a session
  /** true / false, or 'auto': Secure exactly when the request came over HTTPS (trust proxy aware). */
  secureCookies: boolean | 'auto';
  /** Cross-site API (CORS allow-list in use): cookies must be SameSite=None, hence Secure. */
  crossSite: boolean;
  /** The origins of that allow-list. */
  corsOrigins: ReadonlySet<string>;
  /** Checks the DPoP proofs (RFC 9449) of clients that bind their tokens to a key. */
  dpop: DpopVerifier;
}

export interface CookieNames {
  session: string;
  refresh: string;
  csrf: string;
}

// With Secure on, the prefixes make the browser refuse these cookies from plain http or from a
// sibling subdomain (cookie tossing). `__Host-` needs Path=/, so the /auth-only refresh cookie
// gets `__Secure-`.
const PLAIN: CookieNames = { session: 'connect.sid', refresh: 'tw_refresh', csrf: 'XSRF-TOKEN' };
const PREFIXED: CookieNames = { session: '__Host-connect.sid', refresh: '__Secure-tw_refresh', csrf: '__Host-XSRF-TOKEN' };

/** Whether this request's cookies are Secure: always in cross-site mode, else per the option. */
export function isSecure(ctx: ServerContext, req: Request): boolean {
  return ctx.crossSite || (ctx.secureCookies === 'auto' ? req.secure : ctx.secureCookies);
}

export function cookieNames(secure: boolean): CookieNames {
  return secure ? PREFIXED : PLAIN;
}

/** The cookie names this request uses. */
export function namesFor(ctx: ServerContext, req: Request): CookieNames {
  return cookieNames(isSecure(ctx, req));
}

/** Attributes every cookie of ours shares; HttpOnly, Path and lifetime are each cookie's own. */
export function baseCookieOptions(ctx: ServerContext, secure: boolean): CookieOptions {
  // Lax: not sent on cross-site subrequests, a first line against CSRF. A cross-site app needs
  // None, and Partitioned (CHIPS): browsers that block third-party cookies (Safari, Firefox,
  // Chrome's incognito) still keep a partitioned one, for this API under this app's site only.
  return ctx.crossSite ? { sameSite: 'none', secure, partitioned: true } : { sameSite: 'lax', secure };
}

/** express-session's cookie: the only credential in cookie mode. */
export function sessionCookieOptions(ctx: ServerContext, secure: boolean): CookieOptions {
  // HttpOnly: page script (and so an XSS payload) cannot read it.
  return { ...baseCookieOptions(ctx, secure), httpOnly: true, path: '/', maxAge: ctx.refreshTokenTtl * 1000 };
}

/** The refresh cookie is only ever sent to /auth: API calls never carry it. */
export function refreshCookieOptions(ctx: ServerContext, req: Request, maxAgeMs = ctx.refreshTokenTtl * 1000): CookieOptions {
  return { ...baseCookieOptions(ctx, isSecure(ctx, req)), httpOnly: true, path: '/auth', maxAge: maxAgeMs };
}
