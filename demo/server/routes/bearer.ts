// Bearer mode: the access token is a short-lived JWT in the response body, sent
// back in the Authorization header; the refresh token is an HttpOnly cookie
// (or, with ?refresh_in_body=1, a body field, for clients that store it themselves).
import express, { type Request, type Response, type Router } from 'express';
import { namesFor, refreshCookieOptions, type ServerContext } from '../context.ts';
import { exposeCsrf } from '../csrf.ts';
import { issueAccessToken, verifyJwt } from '../jwt.ts';
import { isFamilyActive, type IssuedRefreshToken } from '../refresh-tokens.ts';
import { answerApi, beginLogin, beginRefresh, invalidGrant, logout, refreshDelayPassed } from './common.ts';

function sendTokens(ctx: ServerContext, req: Request, res: Response, refresh: IssuedRefreshToken, refreshInBody: boolean): void {
  const ttl = ctx.controls.accessTokenTtl;
  const access = issueAccessToken(refresh.user, refresh.familyId, ttl, ctx.jwtSecret);
  const body: Record<string, unknown> = { access_token: access.token, token_type: 'Bearer', expires_in: ttl };
  if (refreshInBody) {
    body.refresh_token = refresh.token;
  } else {
    // The cookie lives exactly as long as the token it carries (whole seconds).
    const maxAge = Math.max(0, Math.ceil((refresh.expiresAt - Date.now()) / 1000)) * 1000;
    res.cookie(namesFor(ctx, req).refresh, refresh.token, refreshCookieOptions(ctx, req, maxAge));
  }
  exposeCsrf(ctx, req, res);
  res.json(body);
}

/** POST /auth/login, /auth/refresh, /auth/logout */
export function bearerAuthRoutes(ctx: ServerContext): Router {
  const router = express.Router();

  router.post('/login', async (req, res) => {
    const user = await beginLogin(ctx, req, res);
    if (!user) return;
    const refresh = await ctx.refreshTokens.startFamily(user);
    req.session.familyId = refresh.familyId;
    sendTokens(ctx, req, res, refresh, req.query.refresh_in_body === '1');
  });

  router.post('/refresh', async (req, res) => {
    if (!beginRefresh(ctx, req, res)) return; // failure switches, then the CSRF check

    const cookie: unknown = (req.cookies as Record<string, unknown> | undefined)?.[namesFor(ctx, req).refresh];
    const bodyToken: unknown = (req.body as Record<string, unknown> | undefined)?.refresh_token;
    const fromCookie = typeof cookie === 'string' && cookie !== '';
    const token = fromCookie ? cookie : typeof bodyToken === 'string' ? bodyToken : '';
    if (!token) return invalidGrant(res);

    // Rotation happens when the response is sent, after any delay: a client that
    // disappears before it leaves its old token valid.
    if ((await ctx.refreshTokens.isRedeemable(token)) && !(await refreshDelayPassed(ctx, req, res))) return;

    const result = await ctx.refreshTokens.rotate(token);
    if (!result.ok) {
      if (result.reason === 'reuse') ctx.controls.count('reuseDetections');
      if (fromCookie) res.clearCookie(namesFor(ctx, req).refresh, refreshCookieOptions(ctx, req)); // it is dead: drop it
      return invalidGrant(res);
    }
    if (result.kind === 'rotated') ctx.controls.count('rotations');
    if (req.session.familyId === result.issued.familyId) req.session.lastSeen = Date.now(); // for the device list
    sendTokens(ctx, req, res, result.issued, !fromCookie);
  });

  router.post('/logout', (req, res) => logout(ctx, req, res));
  return router;
}

function rejectToken(ctx: ServerContext, res: Response): void {
  ctx.controls.count('api401s');
  res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid_token' });
}

/**
 * /api/* in bearer mode. The JWT is checked on EVERY request: signature, expiry,
 * and that its family was not revoked (so logout or reuse detection cuts off
 * access tokens already handed out). No CSRF check is needed: a browser never
 * attaches an Authorization header on its own.
 */
export function bearerApiRoutes(ctx: ServerContext): Router {
  const router = express.Router();
  router.use(async (req: Request, res: Response) => {
    ctx.controls.count('apiCalls');
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(req.get('authorization') ?? '');
    const claims = match?.[1] ? verifyJwt(match[1], ctx.jwtSecret) : null;
    if (!claims || !(await isFamilyActive(ctx.refreshTokens, claims.sid))) return rejectToken(ctx, res);
    answerApi(req, res, claims.sub, claims.exp);
  });
  return router;
}
