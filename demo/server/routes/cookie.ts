// Cookie mode: the express-session cookie (connect.sid, HttpOnly) is the only
// credential; the page never sees a token. "Access expiry" is the authUntil time
// kept in the session, extended by /auth/cookie/refresh.
import express, { type Request, type Response, type Router } from 'express';
import { csrfHeaderMatches, exposeCsrf, isUnsafeMethod, rejectCsrf } from '../csrf.ts';
import type { ServerContext } from '../context.ts';
import { answerApi, beginLogin, beginRefresh, invalidGrant, logout, refreshDelayPassed } from './common.ts';

/** POST /auth/cookie/login, /auth/cookie/refresh, /auth/cookie/logout */
export function cookieAuthRoutes(ctx: ServerContext): Router {
  const router = express.Router();

  router.post('/login', async (req, res) => {
    if (!(await beginLogin(ctx, req, res))) return;
    req.session.authUntil = Date.now() + ctx.controls.accessTokenTtl * 1000;
    res.json({ expires_in: ctx.controls.accessTokenTtl });
  });

  router.post('/refresh', async (req, res) => {
    if (!beginRefresh(ctx, req, res)) return; // failure switches, then the CSRF check
    // authUntil may have passed; the session itself (cookie and row) lives for
    // refreshTokenTtl after its last change, and that is the refresh window.
    if (!req.session.user || typeof req.session.authUntil !== 'number') return invalidGrant(res);
    if (!(await refreshDelayPassed(ctx, req, res))) return;
    // During a delay, a logout may have deleted the session: saving it now would resurrect it.
    if (ctx.controls.refreshDelayMs > 0 && !(await ctx.sessionStore.read(req.sessionID))?.user) return invalidGrant(res);
    const now = Date.now();
    req.session.authUntil = now + ctx.controls.accessTokenTtl * 1000;
    req.session.lastSeen = now;
    // Extended and saved, but the answer never leaves (a test control).
    if (ctx.controls.loseRefreshAnswer()) return void req.session.save();
    exposeCsrf(ctx, req, res);
    res.json({ expires_in: ctx.controls.accessTokenTtl });
  });

  router.post('/logout', (req, res) => logout(ctx, req, res));
  return router;
}

/** /api/cookie/*: a logged-in session whose authUntil has not passed. */
export function cookieApiRoutes(ctx: ServerContext): Router {
  const router = express.Router();
  router.use((req: Request, res: Response) => {
    ctx.controls.count('apiCalls');
    // The browser attaches the session cookie by itself, so state-changing calls need the CSRF header.
    if (isUnsafeMethod(req.method) && !csrfHeaderMatches(ctx, req)) return rejectCsrf(res);
    const { user, authUntil } = req.session;
    if (!user || typeof authUntil !== 'number' || authUntil <= Date.now()) {
      ctx.controls.count('api401s');
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    answerApi(req, res, user, Math.floor(authUntil / 1000));
  });
  return router;
}
