// tokenward/dpop: sender-constrained tokens (RFC 9449). Passed to createSession as `{ dpop }`,
// so that an app without DPoP never bundles a byte of it.
import { generateDpopKey, isDpopKey } from './key.js';
import type { DpopBinding, DpopKey, DpopSupport } from '../contract/dpop.js';
import { createProver } from './proof.js';
import { createDpopSender } from './sender.js';

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

export type { DpopBinding, DpopKey, DpopSupport, Prover, ProofRequest } from '../contract/dpop.js';
