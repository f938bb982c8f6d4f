// Tokens for the benchmarks: JWT-shaped and JWT-sized (RS256-sized signature), so every SDK
// parses and stores what it would in real life, but signed by nobody and good for nothing.

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function jsonBase64url(value: unknown): string {
  return base64url(encoder.encode(JSON.stringify(value)));
}

export interface Claims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly [claim: string]: unknown;
}

/** Claims of a token issued now that lives `lifetimeSeconds`, plus any `extra`. */
export function claimsFor(lifetimeSeconds: number, extra: Record<string, unknown> = {}): Claims {
  const iat = Math.floor(Date.now() / 1000);
  return { sub: 'bench-user', iat, exp: iat + lifetimeSeconds, jti: crypto.randomUUID(), ...extra };
}

export function fakeJwt(claims: Record<string, unknown>): string {
  const signature = base64url(crypto.getRandomValues(new Uint8Array(256)));
  return `${jsonBase64url({ alg: 'RS256', typ: 'JWT' })}.${jsonBase64url(claims)}.${signature}`;
}

/** One hour: far from any expiry or early-renewal margin during a run. */
export const LONG_LIFETIME = 3600;
