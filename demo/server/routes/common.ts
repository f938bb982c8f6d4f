// Handlers and helpers used by both bearer mode and cookie mode.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import { csrfCookieOptions, csrfHeaderAbsentOrMatches, csrfHeaderMatches, rejectCsrf, rotateCsrf } from '../csrf.ts';
import { isSecure, namesFor, refreshCookieOptions, sessionCookieOptions, type ServerContext } from '../context.ts';
import type { CheckedProof } from '../dpop.ts';
import type { RevokeReason } from '../refresh-tokens.ts';
import { logoutProofKey, spendProof } from './dpop.ts';
import { deviceLabel } from './user-agent.ts';

export function invalidGrant(res: Response): void {
  res.status(401).json({ error: 'invalid_grant' });
}

/**
 * A password check through the login throttle, per user name and per client address (req.ip:
 * trust proxy aware): the user name if the password is right; null if wrong; undefined once
 * the 429 was sent (the password was not checked). Login and the password change both use it,
 * so neither is a way around the other's limit.
 */
export async function throttledPasswordCheck(
  ctx: ServerContext,
  req: Request,
  res: Response,
  username: string,
  password: string,
): Promise<string | null | undefined> {
  const result = await ctx.loginLimiter.attempt(username, req.ip ?? '', () => ctx.users.verify(username, password));
  if (typeof result === 'string' || result === null) return result;
  res.status(429).set('Retry-After', String(result.retryAfter)).json({ error: 'rate_limited' });
  return undefined;
}

/** The user named by a JSON {username, password} body, or null once an error was sent. */
async function checkCredentials(ctx: ServerContext, req: Request, res: Response): Promise<string | null> {
  const { username, password } = (req.body ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string') {
    res.status(400).json({ error: 'invalid_request' });
    return null;
  }
  const user = await throttledPasswordCheck(ctx, req, res, username, password);
  if (user === null) res.status(401).json({ error: 'invalid_credentials' });
  return user ?? null;
}

/**
 * What a session holds: the refresh family, if any, is revoked with it. Used by logout,
 * re-login, device revocation, sign-out-everywhere and the password change alike.
 */
export async function revokeSessionData(ctx: ServerContext, data: Partial<SessionData> | undefined, reason: RevokeReason): Promise<void> {
  if (data?.familyId) await ctx.refreshTokens.revokeFamily(data.familyId, reason);
}

/**
 * The refresh families this browser holds, to revoke at logout or at a new login: its session's,
 * and those of the refresh token in its cookie or the body. The session cookie (HttpOnly, with the
 * CSRF header) is the credential that already manages every session of the user (logout-all,
 * devices.ts), so its family goes whatever it is bound to. A token's family bound to a DPoP key
 * goes only when the request's proof is by that key (`proofKey()`, asked only then): a stolen
 * token alone must not let a thief without the key sign the victim out.
 */
async function familiesOf(ctx: ServerContext, req: Request, proofKey: () => Promise<string | null>): Promise<Set<string>> {
  const families = new Set<string>();
  if (req.session?.familyId) families.add(req.session.familyId);
  const fromCookie: unknown = req.cookies?.[namesFor(ctx, req).refresh];
  const fromBody: unknown = (req.body as Record<string, unknown> | undefined)?.refresh_token;
  for (const token of [fromCookie, fromBody]) {
    const family = typeof token === 'string' && token ? await ctx.refreshTokens.familyOf(token) : undefined;
    if (!family || families.has(family)) continue;
    const bound = await ctx.refreshTokens.familyKey(family);
    if (!bound || bound === (await proofKey())) families.add(family);
  }
  return families;
}

/**
 * Against session fixation: a login always gets a brand-new session id, and the
 * old session (whose id an attacker may have planted) is deleted from the store.
 */
function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: Error | undefined) => (err ? reject(err) : resolve())));
}

/**
 * The part of a login both modes share: the user named by valid credentials, now
 * in a brand-new session, with the key of the request's DPoP proof (bearer mode's
 * `prove`, checked before the credentials: a nonce challenge must not count as a
 * failed login; but its id is recorded only after them, so that a proof with wrong
 * credentials takes no room in the store of used proofs); or null once an error was
 * sent. Each mode then adds its own credential.
 */
export async function beginLogin(
  ctx: ServerContext,
  req: Request,
  res: Response,
  prove: () => Promise<CheckedProof | null | undefined> = async () => null,
): Promise<{ user: string; jkt: string | null } | null> {
  ctx.controls.count('loginCalls');
  if (!csrfHeaderAbsentOrMatches(ctx, req)) {
    rejectCsrf(res);
    return null;
  }
  const proof = await prove();
  if (proof === undefined) return null;
  const user = await checkCredentials(ctx, req, res);
  if (!user || (proof && !(await spendProof(ctx, res, proof)))) return null;
  const jkt = proof?.jkt ?? null;
  // A new login in this browser replaces its previous one: that one's refresh family dies too.
  for (const family of await familiesOf(ctx, req, async () => jkt)) await ctx.refreshTokens.revokeFamily(family, 'relogin');
  await regenerateSession(req); // new session id: defeats session fixation
  const now = Date.now();
  Object.assign(req.session, { user, device: randomUUID(), label: deviceLabel(req.get('user-agent')), createdAt: now, lastSeen: now });
  rotateCsrf(ctx, req, res); // a token planted before login is worthless after it
  return { user, jkt };
}

/**
 * Neither the session cookie nor the refresh cookie, nor a refresh token in the body: a client
 * whose origin's cookies were wiped (a logout's Clear-Site-Data, heard of late by a page restored
 * from the bfcache). Any other cookie (a CSRF cookie set since) changes nothing.
 */
function withoutCredentials(ctx: ServerContext, req: Request): boolean {
  const names = namesFor(ctx, req);
  const cookies = (req.cookies ?? {}) as Record<string, unknown>;
  return !cookies[names.session] && !cookies[names.refresh] && !(req.body as { refresh_token?: unknown } | undefined)?.refresh_token;
}

/**
 * The checks before a refresh, both modes; false once an error was sent.
 * Failure switches act like a proxy or an outage in front of the app: before any check.
 * The browser sends the refresh credential (refresh cookie or session cookie) along
 * automatically, so a cross-site request could trigger a refresh: require the
 * double-submit header.
 */
export function beginRefresh(ctx: ServerContext, req: Request, res: Response): boolean {
  ctx.controls.count('refreshCalls');
  if (ctx.controls.applyRefreshFailure(req, res)) return false;
  // Nothing to refresh with: no session, whatever the CSRF header says. Refused as a CSRF failure,
  // it would be retried by the client as if it could still succeed.
  if (withoutCredentials(ctx, req)) {
    invalidGrant(res);
    return false;
  }
  if (!csrfHeaderMatches(ctx, req, true)) {
    rejectCsrf(res);
    return false;
  }
  return true;
}

function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err: Error | undefined) => (err ? reject(err) : resolve())));
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

/** The answer of the demo API, both modes: who is signed in, and until when on /me. */
export function answerApi(req: Request, res: Response, user: string, exp: number): void {
  if (req.method === 'GET' && req.path === '/me') res.json({ user, exp });
  else res.json({ ok: true, path: req.originalUrl.split('?')[0], user });
}

/**
 * Logout, both modes. Idempotent: with no session it is still a 204.
 * The server-side state is what makes logout real: the refresh-token family is
 * revoked (so a copied refresh token or access token is dead too), the session row
 * is deleted, and every cookie we set is cleared.
 * DPoP never makes it fail: a bad or missing proof only spares a bound family that the
 * request names by its token alone (familiesOf). The user's own logout still ends theirs
 * through the session cookie; and a client that lost its key (it deletes the key at
 * logout anyway) leaves at worst a family nobody can use, which runs out at its idle expiry.
 */
export async function logout(ctx: ServerContext, req: Request, res: Response): Promise<void> {
  ctx.controls.count('logoutCalls');
  if (ctx.controls.applyLogoutFailure(req, res)) return;
  // Nothing to log out: 204, with nothing cleared (a request from another site carries no cookie either).
  if (withoutCredentials(ctx, req)) return void res.status(204).end();
  if (!csrfHeaderMatches(ctx, req, true)) return rejectCsrf(res);
  let proofKey: Promise<string | null> | undefined; // checked once at most: a second check would see its own jti as a replay
  for (const family of await familiesOf(ctx, req, () => (proofKey ??= logoutProofKey(ctx, req)))) {
    await ctx.refreshTokens.revokeFamily(family, 'logout');
  }
  await signOutHere(ctx, req, res);
}

/** This browser's session row deleted and every cookie we set cleared: 204. */
export async function signOutHere(ctx: ServerContext, req: Request, res: Response): Promise<void> {
  await destroySession(req);
  const names = namesFor(ctx, req);
  // Same name, path and attributes as when set, otherwise the browser keeps the old
  // cookie. (Express 5's clearCookie drops maxAge and sets an expiry in 1970.)
  res.clearCookie(names.session, sessionCookieOptions(ctx, isSecure(ctx, req)));
  res.clearCookie(names.refresh, refreshCookieOptions(ctx, req));
  res.clearCookie(names.csrf, csrfCookieOptions(ctx, req));
  // Asks the browser to drop what it holds for this origin too (by default its cookies and storage: see ReferenceServerOptions).
  const { clearSiteData } = ctx.controls;
  if (clearSiteData) res.set('Clear-Site-Data', clearSiteData);
  res.status(204).end();
}
