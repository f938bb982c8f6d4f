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

/** The session's DPoP state: the key its tokens are bound to, and what the servers told it (nonces, clock). */
export interface DpopBinding {
  /** The key requests are signed with, set by the session together with the tokens; null: requests go without a proof. */
  current: DpopKey | null;
  /** A new key pair: every login gets a key of its own. */
  create(): Promise<DpopKey>;
  /** The key read back from the vault, or null when it is no usable DPoP key. */
  load(stored: unknown): Promise<DpopKey | null>;
  /**
   * Sends a request with a proof by the current key, and `Authorization: DPoP <token>` when a
   * token is given; a nonce challenge, or a refusal that showed our clock to be off, gets one retry.
   */
  send(request: Request, accessToken: string | null): Promise<Response>;
  /** `send` without a token, as a fetch: for the calls to the token endpoints (login, refresh, logout). */
  fetch: typeof fetch;
  /** Forgets `key` (the session ended), unless a login or another tab has moved on to another key meanwhile. */
  drop(key: DpopKey | null | undefined): void;
}

/** What `createSession({ dpop })` takes. */
export interface DpopSupport {
  createBinding(): DpopBinding;
}

const keyOf = async (pair: CryptoKeyPair): Promise<DpopKey> => ({ pair, prover: await createProver(pair) });

export const dpop: DpopSupport = {
  createBinding() {
    const sendWithProof = createDpopSender();
    const binding: DpopBinding = {
      current: null,
      create: async () => keyOf(await generateDpopKey()),
      load: async (stored) => (isDpopKey(stored) ? keyOf(stored) : null),
      send: (request, accessToken) => (binding.current ? sendWithProof(binding.current.prover, request, accessToken) : fetch(request)),
      fetch: (input, init) => binding.send(new Request(input, init), null),
      drop(key) {
        if (binding.current === key) binding.current = null;
      },
    };
    return binding;
  },
};
