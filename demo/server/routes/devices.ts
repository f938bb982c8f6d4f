// Server-side invalidation the user can see and drive: is this session alive (the SDK's
// session check), which devices are signed in, sign one out, sign out everywhere, and a
// password change that signs out every other device. Revoking a device deletes its
// express-session row and revokes its refresh-token family, so its next refresh gets
// invalid_grant, its access tokens stop working, and its next session check gets 401.
import { signedCookie } from 'cookie-parser';
import express, { type Request, type Response, type Router } from 'express';
import type { SessionData } from 'express-session';
import { namesFor, type ServerContext } from '../context.ts';
import { csrfHeaderMatches, exposeCsrf, rejectCsrf } from '../csrf.ts';
import { verifyJwt } from '../jwt.ts';
import { revokeSessionData, signOutHere, throttledPasswordCheck } from './common.ts';
import { presentedToken, provenKey } from './dpop.ts';

/** The session this request's cookie names, read straight from the store: no touch, no write. */
async function storedSession(ctx: ServerContext, req: Request): Promise<SessionData | null> {
  const cookie: unknown = req.cookies?.[namesFor(ctx, req).session];
  const sid = typeof cookie === 'string' ? signedCookie(cookie, ctx.sessionSecret) : false;
  return sid ? ctx.sessionStore.read(sid) : null;
}

/**
 * When the session of this request ends at the latest (ms), or null if it is over; undefined
 * once a refusal was answered. A session cookie is enough (cookie mode, and bearer mode while
 * its family lives); so is an access token we signed whose family lives. The token's own expiry
 * does not matter here: the question is whether the session lives, and a token that ran out in
 * transit must not sign anybody out. A token bound to a DPoP key counts only as
 * `Authorization: DPoP` with a proof by that key, as at the API; but a proof problem is answered
 * 400 (invalid_dpop_proof, use_dpop_nonce), never 401: to the session check a 401 means "ended",
 * and a stale nonce or a skewed clock must not sign anybody out either.
 */
async function sessionEnd(ctx: ServerContext, req: Request, res: Response, stored: SessionData | null): Promise<number | null | undefined> {
  if (stored?.user) {
    if (stored.familyId) return ctx.refreshTokens.familyEnd(stored.familyId);
    return stored.createdAt === undefined ? null : stored.createdAt + ctx.absoluteLifetime * 1000;
  }
  const presented = presentedToken(req);
  const claims = presented ? verifyJwt(presented.token, ctx.jwtSecret, Number.NEGATIVE_INFINITY) : null;
  if (!presented || !claims) return null;
  const jkt = claims.cnf?.jkt;
  if ((jkt !== undefined) !== (presented.scheme === 'DPoP')) return null; // bound exactly when sent as DPoP
  if (jkt && !(await provenKey(ctx, req, res, 'token', { accessToken: presented.token, jkt }))) return undefined;
  return ctx.refreshTokens.familyEnd(claims.sid);
}

/** GET /auth/session: 200 {active: true, expiresAt} or 401 {active: false}. Cheap: no rotation, no write. */
export function sessionCheckRoute(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    ctx.controls.count('sessionChecks');
    if (ctx.controls.applySessionCheckFailure(req, res)) return;
    const stored = await storedSession(ctx, req);
    const expiresAt = await sessionEnd(ctx, req, res, stored);
    if (expiresAt === undefined) return;
    if (expiresAt === null) {
      res.status(401).json({ active: false });
      return;
    }
    if (stored?.csrf) res.locals.csrf = stored.csrf;
    exposeCsrf(ctx, req, res);
    res.json({ active: true, expiresAt });
  };
}

/** Needs a signed-in session (and, for a change, the CSRF header); false once an error was sent. */
function signedIn(ctx: ServerContext, req: Request, res: Response, change: boolean): req is Request & { session: { user: string; device: string } } {
  if (change && !csrfHeaderMatches(ctx, req)) {
    rejectCsrf(res);
    return false;
  }
  if (req.session.user && req.session.device) return true;
  res.status(401).json({ error: 'unauthenticated' });
  return false;
}

/** Signs out every session of this user but this device's (if kept). */
async function revokeOthers(ctx: ServerContext, user: string, keep: Partial<SessionData> | null, reason: 'revoked' | 'password'): Promise<void> {
  for (const data of await ctx.sessionStore.destroyAllOf(user, keep?.device ?? null)) await revokeSessionData(ctx, data, reason);
  // Families whose session row is already gone (a body-token client, an expired row) go too.
  await ctx.refreshTokens.revokeAllOf(user, reason, keep?.familyId ?? null);
}

/** GET /auth/sessions, POST /auth/sessions/:id/revoke, POST /auth/logout-all, POST /auth/password */
export function deviceRoutes(ctx: ServerContext): Router {
  const router = express.Router();

  router.get('/sessions', async (req, res) => {
    if (!signedIn(ctx, req, res, false)) return;
    const here = req.session.device;
    const sessions = (await ctx.sessionStore.sessionsOf(req.session.user)).map((data) => ({
      id: data.device,
      label: data.label,
      signedInAt: data.createdAt,
      lastSeenAt: data.lastSeen,
      current: data.device === here,
    }));
    res.json({ sessions });
  });

  router.post('/sessions/:id/revoke', async (req, res) => {
    if (!signedIn(ctx, req, res, true)) return;
    const id = req.params.id;
    if (id === req.session.device) {
      await revokeSessionData(ctx, req.session, 'revoked');
      return signOutHere(ctx, req, res);
    }
    const data = await ctx.sessionStore.destroyDevice(req.session.user, id);
    if (!data) return void res.status(404).json({ error: 'not_found' });
    await revokeSessionData(ctx, data, 'revoked');
    res.status(204).end();
  });

  router.post('/logout-all', async (req, res) => {
    if (!signedIn(ctx, req, res, true)) return;
    await revokeOthers(ctx, req.session.user, null, 'revoked');
    await signOutHere(ctx, req, res);
  });

  router.post('/password', async (req, res) => {
    if (!signedIn(ctx, req, res, true)) return;
    const { current, next } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof current !== 'string' || typeof next !== 'string' || next.length < 8) {
      return void res.status(400).json({ error: 'invalid_request' });
    }
    const user = req.session.user;
    const verified = await throttledPasswordCheck(ctx, req, res, user, current);
    if (verified === undefined) return; // 429: too many wrong passwords for this user or address
    if (verified === null) return void res.status(403).json({ error: 'invalid_credentials' });
    await ctx.users.setPassword(user, next);
    // Whoever knew the old password is signed out everywhere but here.
    await revokeOthers(ctx, user, req.session, 'password');
    res.status(204).end();
  });

  return router;
}
