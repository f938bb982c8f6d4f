import { claimsFor, fakeJwt, LONG_LIFETIME } from './fake-tokens.ts';

/** A session as tokenward keeps it (a TokenSet), for the raw baselines to store the same bytes. */
export function benchTokenSet() {
  const claims = claimsFor(LONG_LIFETIME);
  const now = Date.now();
  return { accessToken: fakeJwt(claims), refreshToken: null, expiresAt: now + LONG_LIFETIME * 1000, issuedAt: now, claims };
}
