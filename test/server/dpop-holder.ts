// A DPoP key pair as a client holds it, for the server tests: proofs made with jose, as any DPoP
// client would make them.
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey as JoseKey, type JWK } from 'jose';
import { accessTokenHash } from '../../demo/server/dpop.ts';

/** A DPoP key pair, as a client holds it. */
export interface Holder {
  thumbprint: string;
  /** A `DPoP` header for `method url`; `token` adds its `ath`; any claim can be replaced (undefined drops it). */
  proof(method: string, url: string, more?: { token?: string; claims?: Record<string, unknown> }): Promise<string>;
}

export async function newHolder(): Promise<Holder> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = await exportJWK(publicKey);
  const sign = (claims: Record<string, unknown>, key: JoseKey) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).sign(key);
  return {
    thumbprint: await calculateJwkThumbprint(jwk, 'sha256'),
    proof: (method, url, { token, claims = {} } = {}) =>
      sign(
        { jti: randomUUID(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000), ...(token && { ath: accessTokenHash(token) }), ...claims },
        privateKey,
      ),
  };
}
