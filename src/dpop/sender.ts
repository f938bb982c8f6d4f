import { parseHttpDate } from '../tokens.js';
import type { Prover } from '../contract/dpop.js';

/** How far the learned server clock must have moved before a proof refused for its time is worth one more try. */
const SKEW_TOLERANCE = 30_000;
/** The most a server clock is taken to be off from ours: a `Date` further out is a lie or a broken clock, and no reason to date proofs for days. */
const MAX_OFFSET = 86_400_000;

/**
 * Sends one request with a DPoP proof (and `Authorization: DPoP <token>` when a token is given),
 * and answers a challenge with one retry: a nonce challenge (`400 {"error":"use_dpop_nonce"}`
 * from an authorization server, `401 WWW-Authenticate: DPoP error="use_dpop_nonce"` from a
 * resource server) when it came with a new nonce, or a proof refused while our clock turned out
 * to be off (learned from that very response's `Date`).
 */
export type DpopSend = (prover: Prover, request: Request, accessToken?: string | null) => Promise<Response>;

/**
 * What the server side has told us, kept per origin for the life of the page: the latest nonce
 * (any `DPoP-Nonce` header updates it) and the server clock's offset from ours, so that a client
 * clock that is minutes off still produces acceptable `iat`s. The offset is learned only from
 * the `Date` of a refusal of the proof (`use_dpop_nonce`, `invalid_dpop_proof`), capped at ±24 h:
 * an ordinary answer, or another origin's, never moves the time the proofs to an origin state.
 */
export function createDpopSender(next: typeof fetch = (input, init) => fetch(input, init)): DpopSend {
  const nonces = new Map<string, string>();
  const offsets = new Map<string, number>();

  return async (prover, request, accessToken) => {
    const { origin } = new URL(request.url);
    const retry = request.clone();

    async function attempt(outgoing: Request): Promise<{ response: Response; error: string | null; nonce: string | undefined; offset: number }> {
      const nonce = nonces.get(origin);
      const offset = offsets.get(origin) ?? 0;
      outgoing.headers.set('DPoP', await prover.sign({ method: outgoing.method, url: outgoing.url, accessToken, nonce, clockOffset: offset }));
      if (accessToken) outgoing.headers.set('Authorization', `DPoP ${accessToken}`);
      const response = await next(outgoing);
      const newNonce = response.headers.get('dpop-nonce');
      if (newNonce) nonces.set(origin, newNonce);
      const error = await dpopErrorOf(response);
      const serverDate = parseHttpDate(response.headers.get('date'));
      if (serverDate !== null && (error === 'use_dpop_nonce' || error === 'invalid_dpop_proof')) {
        offsets.set(origin, Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, serverDate - Date.now())));
      }
      return { response, error, nonce, offset };
    }

    const first = await attempt(request);
    const worthRetry =
      (first.error === 'use_dpop_nonce' && nonces.get(origin) !== first.nonce) ||
      (first.error === 'invalid_dpop_proof' && Math.abs((offsets.get(origin) ?? 0) - first.offset) > SKEW_TOLERANCE);
    if (!worthRetry) return first.response;
    await first.response.body?.cancel();
    return (await attempt(retry)).response;
  };
}

/** The DPoP challenge in a `WWW-Authenticate` header and its parameters, up to the next challenge (a token not followed by `=`). */
const DPOP_CHALLENGE = /(?:^|,)\s*DPoP((?:\s*,?\s*[\w-]+\s*=\s*(?:"[^"]*"|[^\s,"]*))*)/i;
const ERROR_PARAMETER = /(?:^|[\s,])error\s*=\s*"?([^\s,"]*)/i;

/** The DPoP error code of a refusal: a 401's `WWW-Authenticate: DPoP error="…"`, or a 400's JSON `error`. */
export async function dpopErrorOf(response: Response): Promise<string | null> {
  if (response.status === 401) {
    const parameters = DPOP_CHALLENGE.exec(response.headers.get('www-authenticate') ?? '')?.[1];
    return (parameters && ERROR_PARAMETER.exec(parameters)?.[1]) || null;
  }
  if (response.status !== 400) return null;
  try {
    const body: unknown = await response.clone().json();
    const error = (body as { error?: unknown } | null)?.error;
    return typeof error === 'string' ? error : null;
  } catch {
    return null;
  }
}
