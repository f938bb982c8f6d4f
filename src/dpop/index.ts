// tokenward/dpop: sender-constrained tokens (RFC 9449). Passed to createSession as `{ dpop }`,
// so that an app without DPoP never bundles a byte of it.
import { generateDpopKey, isDpopKey } from './key.js';
import { createProver, type Prover } from './proof.js';
import { createDpopSender } from './sender.js';

/** A key pair with its signer: what a session's tokens are bound to. */
export interface DpopKey {
  /** Stored in the vault beside the tokens, so every tab signs with the same key. */
  readonly pair: CryptoKeyPair;
  readonly prover: Prover;
}

/**
 * The session's DPoP side. The session holds the key its tokens are bound to and hands it to
 * every call; the binding keeps what the servers told it (nonces per origin, the clock offset).
 */
export interface DpopBinding {
  /** A new key pair: every login gets a key of its own. */
  create(): Promise<DpopKey>;
  /** The key read back from the vault, or null when it is no usable DPoP key or not the key whose thumbprint the tokens name. */
  load(stored: unknown, thumbprint: string): Promise<DpopKey | null>;
  /**
   * Sends a request with a proof by `key`, and `Authorization: DPoP <token>` when a token is
   * given; a nonce challenge, or a refusal that showed our clock to be off, gets one retry.
   */
  send(request: Request, accessToken: string | null, key: DpopKey): Promise<Response>;
  /** `send` without a token, as a fetch: for the calls to the token endpoints (login, refresh, revocation). */
  fetchWith(key: DpopKey): typeof fetch;
}

/** What `createSession({ dpop })` takes. */
export interface DpopSupport {
  createBinding(): DpopBinding;
}

const keyOf = async (pair: CryptoKeyPair): Promise<DpopKey> => ({ pair, prover: await createProver(pair) });

/** Binds the session's tokens to a non-extractable key pair of this browser: `createSession({ dpop })`. */
export const dpop: DpopSupport = {
  createBinding() {
    const sendWithProof = createDpopSender();
    const send: DpopBinding['send'] = (request, accessToken, key) => sendWithProof(key.prover, request, accessToken);
    return {
      create: async () => keyOf(await generateDpopKey()),
      async load(stored, thumbprint) {
        const key = isDpopKey(stored) ? await keyOf(stored) : null;
        return key?.prover.thumbprint === thumbprint ? key : null;
      },
      send,
      fetchWith: (key) => (input, init) => send(new Request(input, init), null, key),
    };
  },
};

export type { Prover, ProofRequest } from './proof.js';
