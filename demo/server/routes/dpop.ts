// DPoP at the routes: how a request's proof is read, checked and refused, at the token endpoints
// (login, refresh, logout, session check) and at the API. What makes a proof good is in ../dpop.ts;
// which requests need one, and what a binding decides, is said where the routes use these.
import type { NextFunction, Request, Response } from 'express';
import type { ServerContext } from '../context.ts';
import { DpopError, dpopRefusal, type CheckedProof, type ProofCheck } from '../dpop.ts';

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

/** What `work` resolves with, or the DpopError it rejects with. */
async function orRefusal<T>(work: () => Promise<T>): Promise<T | DpopError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DpopError) return error;
    throw error;
  }
}

/** What this request's proof must match; its id counts against the client address's share of the store (req.ip: trust proxy aware). */
function proofCheck(req: Request, more: Partial<ProofCheck>): ProofCheck {
  return { proof: req.headers.dpop, method: req.method, url: requestUrl(req), address: req.ip ?? '', ...more };
}

/** The proof key's thumbprint, its id now recorded, or why the proof is refused. */
function checkProof(ctx: ServerContext, req: Request, more: Partial<ProofCheck>): Promise<string | DpopError> {
  return orRefusal(() => ctx.dpop.verify(proofCheck(req, more)));
}

/** Answers a refusal, as RFC 9449 says for where it happened. */
function refuse(ctx: ServerContext, res: Response, error: DpopError, at: 'token' | 'resource'): void {
  if (error.code === 'use_dpop_nonce') ctx.controls.count('nonceChallenges');
  const { status, headers, body } = dpopRefusal(error, at);
  res.status(status).set(headers).send(body);
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
  refuse(ctx, res, key, at);
  return undefined;
}

/**
 * Login and refresh: a client that sends a proof asks for DPoP, one that sends none does not (null);
 * undefined once a refusal (400) was answered. The proof's id is not recorded yet: the route spends
 * it (spendProof) once the credentials or the refresh token check out.
 */
export async function optionalProof(ctx: ServerContext, req: Request, res: Response): Promise<CheckedProof | null | undefined> {
  if (req.headers.dpop === undefined) return null;
  const proof = await orRefusal(() => ctx.dpop.inspect(proofCheck(req, {})));
  if (!(proof instanceof DpopError)) return proof;
  refuse(ctx, res, proof, 'token');
  return undefined;
}

/** Records the id of a proof from optionalProof; false once a refusal (400: a replay, or no room) was answered. */
export async function spendProof(ctx: ServerContext, res: Response, proof: CheckedProof): Promise<boolean> {
  const spent = await orRefusal(() => proof.spend());
  if (!(spent instanceof DpopError)) return true;
  refuse(ctx, res, spent, 'token');
  return false;
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
