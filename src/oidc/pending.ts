import { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomNonce, generateRandomState } from 'oauth4webapi';
import type { DpopBinding, DpopKey } from '../contract/dpop.js';
import { TokenwardError } from '../errors.js';
import type { Stash } from '../storage/stash.js';

/** A sign-in this browser started: kept sealed in the vault from the navigation to the provider until its callback. */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  /** The PKCE code verifier (S256). */
  readonly verifier: string;
  readonly returnTo: string;
  readonly startedAt: number;
  /** With DPoP: the thumbprint of the key the code is bound to (`dpop_jkt`). The key pair itself is stored beside the record. */
  readonly jkt?: string;
}

/** A pending sign-in taken for its callback, with the DPoP key pair stored beside it (unchecked: undefined when none is left). */
export interface TakenLogin extends PendingLogin {
  readonly keyPair: unknown;
}

/** How long a sign-in may take at the provider before its callback is refused. */
export const PENDING_LIFETIME = 10 * 60_000;

/**
 * A new pending sign-in (state, nonce and verifier from the CSPRNG, via oauth4webapi), stored
 * with the DPoP key its code is to be bound to, if any; resolves its PKCE challenge.
 */
export async function startPending(stash: Stash, returnTo: string, key?: DpopKey | null): Promise<{ pending: PendingLogin; challenge: string }> {
  const pending: PendingLogin = {
    state: generateRandomState(),
    nonce: generateRandomNonce(),
    verifier: generateRandomCodeVerifier(),
    returnTo,
    startedAt: Date.now(),
    ...(key && { jkt: key.prover.thumbprint }),
  };
  try {
    await stash.put(pending, key?.pair);
  } catch (error) {
    throw new TokenwardError('storage_unavailable', 'the pending sign-in cannot be stored', { cause: error });
  }
  return { pending, challenge: await calculatePKCECodeChallenge(pending.verifier) };
}

const rejected = (why: string): TokenwardError => new TokenwardError('callback_rejected', `sign-in callback refused: ${why}`);

/**
 * Takes the pending sign-in for a callback carrying `state`, deleting it whatever the outcome,
 * so that a callback can be used once. Refuses one that was never started here (or was already
 * used), one that ran out, and one whose state is not the one sent.
 */
export async function takePending(stash: Stash, state: string | null): Promise<TakenLogin> {
  const stashed = await stash.take().catch(() => undefined);
  const pending = stashed?.value;
  if (!isPending(pending)) throw rejected('no sign-in pending in this browser (unknown or reused state)');
  if (Date.now() - pending.startedAt > PENDING_LIFETIME) throw rejected('the sign-in took longer than 10 minutes');
  if (state !== pending.state) throw rejected('state mismatch');
  return { ...pending, keyPair: stashed?.keyPair };
}

/**
 * The DPoP key a sign-in's code is bound to, read back from beside its pending record (null
 * without DPoP). A sign-in started with DPoP completes with that very key or not at all: a key
 * that is gone or is not the one the code names is refused before the code is exchanged.
 */
export async function pendingKey(dpop: DpopBinding | null, pending: TakenLogin): Promise<DpopKey | null> {
  if (!dpop) return null;
  const key = pending.jkt ? await dpop.load(pending.keyPair, pending.jkt) : null;
  if (!key) throw rejected('the DPoP key of this sign-in is missing or unusable');
  return key;
}

function isPending(value: unknown): value is PendingLogin {
  if (typeof value !== 'object' || value === null) return false;
  const { state, nonce, verifier, returnTo, startedAt, jkt } = value as Record<string, unknown>;
  return (
    [state, nonce, verifier, returnTo].every((item) => typeof item === 'string') &&
    typeof startedAt === 'number' &&
    (jkt === undefined || typeof jkt === 'string')
  );
}
