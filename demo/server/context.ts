// What the route modules share: the parts of the server, and the cookie settings
// that every route must agree on (a cookie is only cleared by a Set-Cookie with the
// same name and Path as the one that set it).
import type { CookieOptions } from 'express';
import type { Controls } from './controls.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import type { SqliteSessionStore } from './session-store.ts';
import type { Users } from './users.ts';

declare module 'express-session' {
  interface SessionData {
    user: string;
    familyId: string; // bearer mode: the refresh-token family of this login
    authUntil: number; // cookie mode: ms since the epoch; API calls are allowed until then
  }
}

export interface ServerContext {
  users: Users;
  refreshTokens: RefreshTokens;
  sessionStore: SqliteSessionStore;
  jwtSecret: Buffer;
  controls: Controls; // also holds the current access-token TTL
  refreshTokenTtl: number; // seconds
  secureCookies: boolean;
  clearSiteData: string | false;
}

export const SESSION_COOKIE = 'connect.sid';
export const REFRESH_COOKIE = 'tw_refresh';

/** express-session's cookie: the only credential in cookie mode. */
export function sessionCookieOptions(ctx: ServerContext): CookieOptions {
  return {
    httpOnly: true, // page script (and so an XSS payload) cannot read it
    sameSite: 'lax', // not sent on cross-site subrequests: a first line against CSRF
    secure: ctx.secureCookies, // never sent over plain http when on
    path: '/',
    maxAge: ctx.refreshTokenTtl * 1000,
  };
}

/** The refresh cookie is only ever sent to /auth: API calls never carry it. */
export function refreshCookieOptions(ctx: ServerContext, maxAgeMs = ctx.refreshTokenTtl * 1000): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies, path: '/auth', maxAge: maxAgeMs };
}
