// Access tokens: compact JWS with HS256, signed and checked with node:crypto only.
// A hand-written signer keeps the reference server free of a JWT library and shows
// exactly what "validate the token" means: algorithm, signature, then expiry.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface AccessTokenClaims {
  sub: string; // user name
  iat: number; // issued at, seconds since the epoch (with milliseconds)
  exp: number; // expires at, seconds since the epoch
  jti: string; // unique token id
  sid: string; // refresh-token family id: revoking the family kills its access tokens too
  cnf?: { jkt: string }; // DPoP (RFC 9449): only a request with a proof by the key of this thumbprint may use the token
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function hmac(secret: Buffer, input: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** Signs any claims object (tests use it to craft expired or foreign tokens). */
export function signJwt(claims: object, secret: Buffer): string {
  const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${body}.${hmac(secret, body).toString('base64url')}`;
}

/** An access token of `user` in refresh family `familyId`; with `jkt`, bound to that DPoP key. */
export function issueAccessToken(
  user: string,
  familyId: string,
  ttlSeconds: number,
  secret: Buffer,
  jkt: string | null = null,
): { token: string; claims: AccessTokenClaims } {
  // Not rounded down to the second (RFC 7519 allows a fractional NumericDate): a 2 s token issued at
  // x.9 s would otherwise die at the server 0.9 s before the `expires_in` it was sent with says.
  const iat = Date.now() / 1000;
  const claims: AccessTokenClaims = { sub: user, iat, exp: iat + ttlSeconds, jti: randomUUID(), sid: familyId, ...(jkt && { cnf: { jkt } }) };
  return { token: signJwt(claims, secret), claims };
}

/**
 * Returns the claims of a token we signed that has not expired, else null.
 * The header is checked against the one fixed algorithm (no "alg: none", no key
 * confusion), and the signature is compared in constant time.
 */
export function verifyJwt(token: string, secret: Buffer, nowSeconds = Date.now() / 1000): AccessTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) return null;
  const expected = hmac(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Partial<AccessTokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<AccessTokenClaims>;
  } catch {
    return null;
  }
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') return null;
  // A binding we cannot read must not pass for no binding.
  if (claims.cnf !== undefined && typeof claims.cnf?.jkt !== 'string') return null;
  // RFC 7519: the token must not be accepted on or after its exp.
  if (nowSeconds >= claims.exp) return null;
  return claims as AccessTokenClaims;
}
