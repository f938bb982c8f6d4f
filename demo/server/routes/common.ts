// Handlers and helpers used by both bearer mode and cookie mode.
import type { Request, Response } from 'express';
import { CSRF_COOKIE, csrfCookieOptions, csrfHeaderMatches, rejectCsrf } from '../csrf.ts';
import { REFRESH_COOKIE, SESSION_COOKIE, refreshCookieOptions, sessionCookieOptions, type ServerContext } from '../context.ts';

export function invalidGrant(res: Response): void {
  res.status(401).json({ error: 'invalid_grant' });
}

/** The user named by a JSON {username, password} body, or null once an error was sent. */
export function checkCredentials(ctx: ServerContext, req: Request, res: Response): string | null {
  const { username, password } = (req.body ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string') {
    res.status(400).json({ error: 'invalid_request' });
    return null;
  }
  const user = ctx.users.verify(username, password);
  if (!user) res.status(401).json({ error: 'invalid_credentials' });
  return user;
}

/**
 * Against session fixation: a login always gets a brand-new session id, and the
 * old session (whose id an attacker may have planted) is deleted from the store.
 */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

/**
 * Waits for the refresh delay switch, if any. Returns false when the client went
 * away (or the server closed) meanwhile: nothing must change then, so a client
 * that never saw the response keeps a valid old credential.
 */
export async function refreshDelayPassed(ctx: ServerContext, req: Request, res: Response): Promise<boolean> {
  const ms = ctx.controls.refreshDelayMs;
  if (ms <= 0) return true;
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  const open = await ctx.controls.wait(ms);
  return open && !gone && !req.socket.destroyed;
}

/**
 * Logout, both modes. Idempotent: with no session it is still a 204.
 * The server-side state is what makes logout real: the refresh-token family is
 * revoked (so a copied refresh token or access token is dead too), the session row
 * is deleted, and every cookie we set is cleared.
 */
export async function logout(ctx: ServerContext, req: Request, res: Response): Promise<void> {
  ctx.controls.count('logoutCalls');
  if (ctx.controls.applyLogoutFailure(req, res)) return;
  if (!csrfHeaderMatches(req)) return rejectCsrf(res);

  const families = new Set<string>();
  const fromCookie: unknown = req.cookies?.[REFRESH_COOKIE];
  const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?.refresh_token;
  for (const token of [fromCookie, fromBody]) {
    const family = typeof token === 'string' && token ? ctx.refreshTokens.familyOf(token) : undefined;
    if (family) families.add(family);
  }
  if (req.session.familyId) families.add(req.session.familyId);
  for (const family of families) ctx.refreshTokens.revokeFamily(family, 'logout');

  await destroySession(req);
  // Same name, path and attributes as when set, otherwise the browser keeps the old
  // cookie. (Express 5's clearCookie drops maxAge and sets an expiry in 1970.)
  res.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
  res.clearCookie(REFRESH_COOKIE, refreshCookieOptions(ctx));
  res.clearCookie(CSRF_COOKIE, csrfCookieOptions(ctx.secureCookies));
  // Asks the browser to drop what it holds for this origin too (cookies by default).
  if (ctx.clearSiteData) res.set('Clear-Site-Data', ctx.clearSiteData);
  res.status(204).end();
}
