import type { Prover } from '../contract/dpop.js';

const encoder = new TextEncoder();
const ES256: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

const encodeJson = (value: unknown): string => base64url(encoder.encode(JSON.stringify(value)));

const sha256 = async (text: string): Promise<string> => base64url(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

/**
 * Everything that depends on the key alone (the header with the public JWK, the thumbprint) is
 * encoded once here, and `ath` once per access token: signing is the only per-request cost.
 * WebCrypto's ECDSA signature is already in the JWS form (r || s, 64 bytes).
 */
export async function createProver({ privateKey, publicKey }: CryptoKeyPair): Promise<Prover> {
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  // The members RFC 7638 hashes, in its (lexicographic) order: the same object is the header's JWK.
  const jwk = { crv, kty, x, y };
  const header = encodeJson({ typ: 'dpop+jwt', alg: 'ES256', jwk });
  let hashed: { readonly token: string; readonly ath: Promise<string> } | null = null;

  function athOf(token: string): Promise<string> {
    if (hashed?.token !== token) hashed = { token, ath: sha256(token) };
    return hashed.ath;
  }

  return {
    thumbprint: await sha256(JSON.stringify(jwk)),
    async sign({ method, url, accessToken, nonce, clockOffset = 0 }) {
      const { origin, pathname } = new URL(url);
      const claims = {
        jti: crypto.randomUUID(),
        htm: method,
        htu: origin + pathname,
        iat: Math.floor((Date.now() + clockOffset) / 1000),
        ...(nonce ? { nonce } : {}),
        ...(accessToken ? { ath: await athOf(accessToken) } : {}),
      };
      const input = `${header}.${encodeJson(claims)}`;
      return `${input}.${base64url(await crypto.subtle.sign(ES256, privateKey, encoder.encode(input)))}`;
    },
  };
}

export type { Prover, ProofRequest } from '../contract/dpop.js';
