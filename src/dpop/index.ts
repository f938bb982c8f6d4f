// tokenward/dpop: sender-constrained tokens (RFC 9449). Passed to createSession as `{ dpop }`,
// so that an app without DPoP never bundles a byte of it.
import { TokenwardError } from '../errors.js';
import { generateDpopKey, isDpopKey } from './key.js';
import { createProver, type Prover } from './proof.js';
import { createDpopSender } from './sender.js';

/** The session's DPoP state: the key its tokens are bound to, and what the servers told it (nonces, clock). */
export interface DpopBinding {
  /** Makes a new key pair and signs with it from now on: every login gets a key of its own. Resolves the pair, to be stored with the tokens. */
  newKey(): Promise<CryptoKeyPair>;
  /** Signs with a stored key pair from now on (a restore, another tab's login); false, changing nothing, when it is no usable DPoP key. */
  useKey(key: unknown): Promise<boolean>;
  /** Forgets the key (the session ended; the vault deletes it). */
  dropKey(): void;
  /** The current key's JWK thumbprint (what bound tokens carry as `cnf.jkt`), or null without a key. */
  thumbprint(): string | null;
  /**
   * Sends a request with a proof by the current key, and `Authorization: DPoP <token>` when a
   * token is given; a nonce challenge, or a refusal that showed our clock to be off, gets one retry.
   */
  send(request: Request, accessToken: string | null): Promise<Response>;
}

/** What `createSession({ dpop })` takes. */
export interface DpopSupport {
  createBinding(): DpopBinding;
}

export const dpop: DpopSupport = {
  createBinding() {
    const sendWithProof = createDpopSender();
    let prover: Prover | null = null;
    return {
      async newKey() {
        const key = await generateDpopKey();
        prover = await createProver(key);
        return key;
      },
      async useKey(key) {
        if (!isDpopKey(key)) return false;
        prover = await createProver(key);
        return true;
      },
      dropKey: () => void (prover = null),
      thumbprint: () => prover?.thumbprint ?? null,
      send(request, accessToken) {
        // The session never sends without a key; a request racing a logout fails like one without a session.
        if (!prover) return Promise.reject(new TokenwardError('unauthenticated', 'no DPoP key: the session has ended'));
        return sendWithProof(prover, request, accessToken);
      },
    };
  },
};
