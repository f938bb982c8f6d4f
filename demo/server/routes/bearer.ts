// Bearer mode: the access token is a short-lived JWT in the response body, sent
// back in the Authorization header; the refresh token is an HttpOnly cookie
// (or, with ?refresh_in_body=1, a body field, for clients that store it themselves).
// With DPoP (RFC 9449), a login that comes with a proof binds its refresh family to the
// proof key for good, and every access token of that family to the key too (`cnf.jkt`,
// `token_type: "DPoP"`); such tokens then work only with a fresh proof by that key.
import express, { type Request, type Response, type Router } from 'express';
import { namesFor, refreshCookieOptions, type ServerContext } from '../context.ts';
import { exposeCsrf } from '../csrf.ts';
import { issueAccessToken, verifyJwt } from '../jwt.ts';
import { isFamilyActive, type IssuedRefreshToken } from '../refresh-tokens.ts';
import { answerApi, beginLogin, beginRefresh, invalidGrant, logout, refreshDelayPassed } from './common.ts';
import { optionalProof, presentedToken, provenKey, spendProof, type PresentedToken } from './dpop.ts';

/**
 * The access token is bound to the family's key; an unbound family's to the key of the proof
 * that came with this refresh, if any (RFC 9449 section 5: a proof at the token endpoint gets a
 * DPoP token), and is a plain bearer token without one.
 */
function sendTokens(ctx: ServerContext, req: Request, res: Response, refresh: IssuedRefreshToken, refreshInBody: boolean, proofKey: string | null): void {
  const ttl = ctx.controls.accessTokenTtl;
  const jkt = refresh.jkt ?? proofKey;
  const access = issueAccessToken(refresh.user, refresh.familyId, ttl, ctx.jwtSecret, jkt);
  const body: Record<string, unknown> = { access_token: access.token, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: ttl };
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
    const login = await beginLogin(ctx, req, res, () => optionalProof(ctx, req, res));
    if (!login) return;
    const refresh = await ctx.refreshTokens.startFamily(login.user, login.jkt);
    req.session.familyId = refresh.familyId;
    await ctx.controls.holdLogin(refresh.token); // a test control: at once unless held
    sendTokens(ctx, req, res, refresh, req.query.refresh_in_body === '1', login.jkt);
  });

  router.post('/refresh', async (req, res) => {
    if (!beginRefresh(ctx, req, res)) return; // failure switches, then the CSRF check

    const cookie: unknown = (req.cookies as Record<string, unknown> | undefined)?.[namesFor(ctx, req).refresh];
    const bodyToken: unknown = (req.body as Record<string, unknown> | undefined)?.refresh_token;
    const fromCookie = typeof cookie === 'string' && cookie !== '';
    const token = fromCookie ? cookie : typeof bodyToken === 'string' ? bodyToken : '';
    if (!token) return invalidGrant(res);

    const proof = await optionalProof(ctx, req, res);
    if (proof === undefined) return; // a bad proof, or one without the current nonce: 400
    const proofKey = proof?.jkt ?? null;
    const family = await ctx.refreshTokens.familyOf(token);
    const bound = family ? await ctx.refreshTokens.familyKey(family) : null;
    // A bound family's token without a proof by its key is refused before anything changes: not
    // counted as reuse, not rotated, the cookie kept. Reuse detection kills the family, so a
    // thief holding the token but not the key could otherwise sign the victim out at will.
    if (bound && bound !== proofKey) return invalidGrant(res);
    // The proof's id is recorded only for a token of a live family: made-up tokens take no room.
    const live = family !== undefined && (await ctx.refreshTokens.familyEnd(family)) !== null;
    if (proof && live && !(await spendProof(ctx, res, proof))) return;

    // Rotation happens when the response is sent, after any delay: a client that
    // disappears before it leaves its old token valid.
    if ((await ctx.refreshTokens.isRedeemable(token)) && !(await refreshDelayPassed(ctx, req, res))) return;

    // The grace window serves only the session that used the token (its session cookie; a bound
    // family's key was proved above): a copy replayed from anywhere else is reuse.
    const result = await ctx.refreshTokens.rotate(token, family !== undefined && req.session.familyId === family);
    if (!result.ok) {
      if (result.reason === 'reuse') ctx.controls.count('reuseDetections');
      if (fromCookie) res.clearCookie(namesFor(ctx, req).refresh, refreshCookieOptions(ctx, req)); // it is dead: drop it
      return invalidGrant(res);
    }
    if (result.kind === 'rotated') ctx.controls.count('rotations');
    if (req.session.familyId === result.issued.familyId) req.session.lastSeen = Date.now(); // for the device list
    if (ctx.controls.loseRefreshAnswer()) return; // rotated, but the answer never leaves (a test control)
    sendTokens(ctx, req, res, result.issued, !fromCookie, proofKey);
  });

  router.post('/logout', (req, res) => logout(ctx, req, res));
  return router;
}

/** 401 invalid_token, challenging with the scheme the client used (DPoP for a bound token, whatever it used). */
function rejectToken(ctx: ServerContext, res: Response, scheme: PresentedToken['scheme'] = 'Bearer'): void {
  ctx.controls.count('api401s');
  const challenge = scheme === 'DPoP' ? 'DPoP error="invalid_token", algs="ES256"' : 'Bearer error="invalid_token"';
  res.status(401).set('WWW-Authenticate', challenge).json({ error: 'invalid_token' });
}

/**
 * /api/* in bearer mode. The JWT is checked on EVERY request: signature, expiry,
 * and that its family was not revoked (so logout or reuse detection cuts off
 * access tokens already handed out). No CSRF check is needed: a browser never
 * attaches an Authorization header on its own.
 * A token bound to a DPoP key (cnf.jkt) counts only as `Authorization: DPoP` with a
 * proof by that key over this request and this token (`ath`); an unbound one only as Bearer.
 */
export function bearerApiRoutes(ctx: ServerContext): Router {
  const router = express.Router();
  router.use(async (req: Request, res: Response) => {
    ctx.controls.count('apiCalls');
    const presented = presentedToken(req);
    const claims = presented ? verifyJwt(presented.token, ctx.jwtSecret) : null;
    if (!presented || !claims || !(await isFamilyActive(ctx.refreshTokens, claims.sid))) return rejectToken(ctx, res, presented?.scheme);
    const jkt = claims.cnf?.jkt;
    if ((jkt !== undefined) !== (presented.scheme === 'DPoP')) return rejectToken(ctx, res, 'DPoP'); // bound exactly when sent as DPoP
    if (jkt && !(await provenKey(ctx, req, res, 'resource', { accessToken: presented.token, jkt }))) return ctx.controls.count('api401s');
    answerApi(req, res, claims.sub, claims.exp);
  });
  return router;
}
