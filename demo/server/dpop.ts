// DPoP (RFC 9449) on the server side: what a resource or authorization server must check before
// it believes that the request comes from whoever holds the key a token is bound to. The JOSE
// work (compact JWS, the embedded public JWK, RFC 7638 thumbprints) is done by `jose`; the
// checks that make a proof belong to this one request, now, once, are here.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';

/** The two refusals RFC 9449 defines: a bad proof, or a proof without the nonce the server wants. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

export class DpopError extends Error {
  constructor(
    readonly code: DpopErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DpopVerifierOptions {
  /** Seconds a proof's `iat` may be away from our clock, either way. Default 60. */
  iatWindow?: number;
  /** Seconds a server nonce stays acceptable; 0 (the default) issues and requires none. Ignored with `nonces`. */
  nonceLifetime?: number;
  /** The server's nonces, when they are shared with something else (a test control, other processes). */
  nonces?: DpopNonces;
  /** How many proof ids are remembered at most (in memory); past that, proofs are refused rather than a replay let through. Default 100 000. */
  replayCapacity?: number;
  /** Where proof ids are remembered instead of this process's memory (Redis, for several processes). */
  replays?: ProofIdLog;
  /** Proof ids recorded per key and per client address within the replay window: see ProofLimits. */
  limits?: Partial<ProofLimits>;
  /** Default ['ES256']. */
  algorithms?: string[];
}

/** What a proof must match: the request it came with and, when the request presents one, the bound token. */
export interface ProofCheck {
  /** The `DPoP` request header as received (a repeated header arrives joined or as an array: refused). */
  proof: string | string[] | undefined;
  method: string;
  /** The absolute URL the client addressed: scheme, host, port and path are compared. */
  url: string;
  /** The access token presented with the request (resource requests): `ath` must be its hash. */
  accessToken?: string;
  /** The thumbprint the token or refresh family is bound to: the proof key must be that key. */
  jkt?: string;
  /** Accept a proof without the current server nonce (logout: a call that must work without a challenge round). */
  nonceOptional?: boolean;
  /** The client's address, whose share of the proof-id store is limited (ProofLimits.perAddress). */
  address?: string;
}

/**
 * How many proof ids one key, and one client address, may have recorded within the replay window
 * (twice the iat window): a bound on what anybody can put in the store, whose room is every DPoP
 * user's. A proof past either is refused (invalid_dpop_proof) and not recorded.
 */
export interface ProofLimits {
  /** Default 2000 (about 16 proofs a second, sustained for the whole window). */
  perKey: number;
  /** Default 5000. */
  perAddress: number;
}

export const DEFAULT_PROOF_LIMITS: ProofLimits = { perKey: 2000, perAddress: 5000 };

/** A proof that passed every check but the replay check: its id is not recorded yet. */
export interface CheckedProof {
  /** The proof key's JWK SHA-256 thumbprint. */
  jkt: string;
  /** Records the proof's id; rejects with a DpopError if it was used before or a limit is reached. */
  spend(): Promise<void>;
}

export interface DpopVerifier {
  /** Checks the proof and records its id: resolves with the proof key's JWK SHA-256 thumbprint; rejects with a DpopError. */
  verify(check: ProofCheck): Promise<string>;
  /**
   * Checks the proof but records its id only on `spend()`: for a request whose credentials or
   * refresh token are checked after its proof, so that only a request that checks out can use
   * room in the store (a self-signed proof costs an attacker nothing).
   */
  inspect(check: ProofCheck): Promise<CheckedProof>;
  /** The nonce to send in `DPoP-Nonce` now, or undefined when nonces are off. */
  nonce(): string | undefined;
}

const invalid = (message: string): DpopError => new DpopError('invalid_dpop_proof', message);

/** base64url SHA-256, as `ath` carries the access token's hash. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function createDpopVerifier(options: DpopVerifierOptions = {}): DpopVerifier {
  const window = options.iatWindow ?? 60;
  const algorithms = options.algorithms ?? ['ES256'];
  const nonces = options.nonces ?? createNonces(options.nonceLifetime ?? 0);
  const replays = options.replays ?? memoryProofIdLog(options.replayCapacity);
  const limits = { ...DEFAULT_PROOF_LIMITS, ...options.limits };
  // Any proof older than this is refused by its iat anyway, so its id can be forgotten.
  const keepIds = 2 * window * 1000;

  const inspect = async ({ proof, method, url, accessToken, jkt, nonceOptional, address }: ProofCheck): Promise<CheckedProof> => {
    if (typeof proof !== 'string' || proof.includes(',')) throw invalid('exactly one DPoP header is required');
    let jwk: JWK;
    let claims: Record<string, unknown>;
    try {
      const header = decodeProtectedHeader(proof);
      if (typeof header.jwk !== 'object' || header.jwk === null) throw invalid('no jwk in the header');
      jwk = header.jwk;
      // EmbeddedJWK: the signature is checked with the header's own key, which must be public.
      ({ payload: claims } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms }));
    } catch (error) {
      throw error instanceof DpopError ? error : invalid(`proof rejected: ${(error as Error).message}`);
    }
    const { jti, htm, htu, iat, ath, nonce } = claims;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw invalid('jti missing');
    if (htm !== method) throw invalid('htm does not match the request method');
    if (typeof htu !== 'string' || !sameTarget(htu, url)) throw invalid('htu does not match the request URL');
    if (typeof iat !== 'number' || Math.abs(Date.now() / 1000 - iat) > window) throw invalid('iat outside the accepted window');
    if (!nonceOptional && !nonces.accepts(nonce)) throw new DpopError('use_dpop_nonce', 'a fresh server nonce is required');
    if (accessToken !== undefined && ath !== accessTokenHash(accessToken)) throw invalid('ath does not match the access token');
    const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
    if (jkt !== undefined && thumbprint !== jkt) throw invalid('the proof key is not the key the token is bound to');
    const quotas = [{ key: `k:${thumbprint}`, limit: limits.perKey }, ...(address === undefined ? [] : [{ key: `a:${address}`, limit: limits.perAddress }])];
    return {
      jkt: thumbprint,
      // Last, so that a proof refused for any other reason does not use up its id.
      async spend() {
        const outcome = await replays.remember(`${thumbprint}.${jti}`, keepIds, quotas);
        if (outcome === 'replay') throw invalid('jti already used');
        if (outcome !== 'recorded') throw invalid('too many proofs in flight, try again later');
      },
    };
  };

  return {
    nonce: () => nonces.current(),
    inspect,
    async verify(check) {
      const proof = await inspect(check);
      await proof.spend();
      return proof.jkt;
    },
  };
}

/** Whether `htu` names the request's target: same scheme, host, port and path; a query or fragment in it is refused. */
function sameTarget(htu: string, url: string): boolean {
  let claimed: URL;
  try {
    claimed = new URL(htu);
  } catch {
    return false;
  }
  const target = new URL(url);
  return !claimed.search && !claimed.hash && claimed.origin === target.origin && claimed.pathname === target.pathname;
}

/** A key (a key thumbprint, a client address) and how many proof ids it may record per window. */
export interface Quota {
  key: string;
  limit: number;
}

/** What became of a proof id: recorded; a replay; or refused for want of room (a quota, or the store's capacity). */
export type RememberOutcome = 'recorded' | 'replay' | 'full';

/** Where the ids of accepted proofs are kept, each for as long as a proof with it could pass the iat check. */
export interface ProofIdLog {
  /**
   * In one step: records `id` for `keepForMs` and counts it against each quota (counts last
   * `keepForMs` from a quota key's first id), unless the id is there already or a quota is used up.
   */
  remember(id: string, keepForMs: number, quotas: Quota[]): RememberOutcome | Promise<RememberOutcome>;
}

/** Drops a Map's entries from the front while their time has passed: for Maps in expiry order. */
function dropExpired<T>(entries: Map<string, T>, until: (entry: T) => number, now: number): void {
  for (const [key, entry] of entries) {
    if (until(entry) > now) break;
    entries.delete(key);
  }
}

/**
 * The proof ids seen lately, in this process's memory (one server process; with several, the
 * Redis one: redis/proof-ids.ts). Every entry lives equally long, so the Maps' insertion order is
 * expiry order and expired ones are dropped from the front. Full of live ids, it refuses: a
 * replay must never get through. There is a quota entry only for a key with a live id, so the
 * quotas take no more room than the ids.
 */
export function memoryProofIdLog(capacity = 100_000): ProofIdLog {
  const seen = new Map<string, number>();
  const counts = new Map<string, { count: number; until: number }>();
  return {
    remember(id, keepForMs, quotas) {
      const now = Date.now();
      dropExpired(seen, (until) => until, now);
      dropExpired(counts, (quota) => quota.until, now);
      if (seen.has(id)) return 'replay';
      if (seen.size >= capacity || quotas.some(({ key, limit }) => (counts.get(key)?.count ?? 0) >= limit)) return 'full';
      seen.set(id, now + keepForMs);
      for (const { key } of quotas) {
        const quota = counts.get(key) ?? { count: 0, until: now + keepForMs };
        quota.count++;
        counts.set(key, quota);
      }
      return 'recorded';
    },
  };
}

/** The server's nonces (RFC 9449 section 8): what to hand out, and what a proof may carry. */
export interface DpopNonces {
  /** Seconds each nonce is the current one; 0: nonces are off (none handed out, none required). */
  lifetime: number;
  /** The nonce to send in `DPoP-Nonce` now, or undefined while nonces are off. */
  current(): string | undefined;
  /** Whether a proof's `nonce` claim will do: always while off, else the current nonce or the one before it. */
  accepts(nonce: unknown): boolean;
  /** Moves on to a new nonce at once, and refuses every earlier one from now on (tests: a challenge on the next proof). */
  rotate(): void;
}

/**
 * One nonce per period of `lifetime` seconds since the epoch: the HMAC-SHA256 of the period under
 * a secret key, random per server unless one is given. Nobody without the key can tell the next
 * nonce, and processes that share the key agree on the nonce without talking to each other, so
 * a client may reach any of them. The one before the current stays good, so a proof made just
 * before a change still passes; older ones do not.
 */
export function createNonces(lifetime: number, key: Uint8Array = randomBytes(32)): DpopNonces {
  let skipped = 0; // periods jumped over by rotate()
  const nonceOf = (period: number) => createHmac('sha256', key).update(`${nonces.lifetime}:${period}`).digest().subarray(0, 16).toString('base64url');
  const period = () => Math.floor(Date.now() / (nonces.lifetime * 1000)) + skipped;
  const nonces: DpopNonces = {
    lifetime,
    current: () => (nonces.lifetime > 0 ? nonceOf(period()) : undefined),
    accepts(nonce) {
      if (!(nonces.lifetime > 0)) return true;
      const now = period();
      return nonce === nonceOf(now) || nonce === nonceOf(now - 1);
    },
    rotate() {
      skipped += 2; // neither the new nonce nor the one "before" it was ever handed out
    },
  };
  return nonces;
}

/** How a refusal is answered: RFC 9449 section 7.1 for resources (401 and a challenge), 5.1 for the token endpoint (400 JSON). */
export function dpopRefusal(error: DpopError, at: 'resource' | 'token'): { status: number; headers: Record<string, string>; body: string } {
  if (at === 'token') {
    return {
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: error.code, error_description: error.message }),
    };
  }
  return {
    status: 401,
    headers: { 'WWW-Authenticate': `DPoP error="${error.code}", error_description="${error.message}", algs="ES256"` },
    body: '',
  };
}

/** Response headers a cross-origin page must be able to read for DPoP to work. */
export const DPOP_EXPOSED_HEADERS = 'DPoP-Nonce, WWW-Authenticate, Date';
