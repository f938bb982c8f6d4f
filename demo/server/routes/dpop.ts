// DPoP at the routes: how a request's proof is read, checked and refused, at the token endpoints
// (login, refresh, logout, session check) and at the API. What makes a proof good is in ../dpop.ts;
// which requests need one, and what a binding decides, is said where the routes use these.
import type { NextFunction, Request, Response } from 'express';
import type { ServerContext } from '../context.ts';
import { DpopError, dpopRefusal, type ProofCheck } from '../dpop.ts';

/** The access token a request presents in `Authorization`, and under which scheme. */
export interface PresentedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

export function presentedToken(req: Request): PresentedToken | null {
  const match = /^(Bearer|DPoP) ([A-Za-z0-9_.-]+)$/.exec(req.get('authorization') ?? '');
  return match ? { scheme: match[1] as PresentedToken['scheme'], token: match[2]! } : null;
}

/**
 * The URL as the client addressed it, which `htu` must name: req.protocol and req.host see
 * through a TLS proxy (X-Forwarded-Proto and -Host) exactly when `trustProxy` says to trust it.
 */
function requestUrl(req: Request): string {
  return `${req.protocol}://${req.host}${req.originalUrl}`;
}

/** The proof key's thumbprint, or why the proof is refused. */
async function checkProof(ctx: ServerContext, req: Request, more: Partial<ProofCheck>): Promise<string | DpopError> {
  try {
    return await ctx.dpop.verify({ proof: req.headers.dpop, method: req.method, url: requestUrl(req), ...more });
  } catch (error) {
    if (error instanceof DpopError) return error;
    throw error;
  }
}

/** Every /auth and /api answer carries the current nonce while nonces are on, so that any response can update a client. */
export function dpopNonceHeader(ctx: ServerContext) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const nonce = ctx.dpop.nonce();
    if (nonce) res.set('DPoP-Nonce', nonce);
    next();
  };
}

/**
 * The key of this request's proof, which must be there; undefined once the refusal was answered:
 * `token`: 400 {"error": "invalid_dpop_proof" | "use_dpop_nonce"} (RFC 9449 section 5);
 * `resource`: 401 with `WWW-Authenticate: DPoP error="…", algs="ES256"` (section 7.1).
 */
export async function provenKey(
  ctx: ServerContext,
  req: Request,
  res: Response,
  at: 'token' | 'resource',
  more: Partial<ProofCheck> = {},
): Promise<string | undefined> {
  const key = await checkProof(ctx, req, more);
  if (typeof key === 'string') return key;
  if (key.code === 'use_dpop_nonce') ctx.controls.count('nonceChallenges');
  const { status, headers, body } = dpopRefusal(key, at);
  res.status(status).set(headers).send(body);
  return undefined;
}

/** Login and refresh: a client that sends a proof asks for DPoP, one that sends none does not (null). */
export async function optionalProofKey(ctx: ServerContext, req: Request, res: Response): Promise<string | null | undefined> {
  return req.headers.dpop === undefined ? null : provenKey(ctx, req, res, 'token');
}

/**
 * Logout: the key of an acceptable proof, else null; never a refusal, because a logout must not
 * fail over a proof. Nor is the server nonce demanded: without a challenge round there is nothing
 * to retry, and a proof made earlier can at worst sign out whoever holds the key.
 */
export async function logoutProofKey(ctx: ServerContext, req: Request): Promise<string | null> {
  if (req.headers.dpop === undefined) return null;
  const key = await checkProof(ctx, req, { nonceOptional: true });
  return typeof key === 'string' ? key : null;
}
