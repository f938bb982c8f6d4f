// The clocks of the session panel, computed the way the SDK computes them.
import type { JwtClaims, SessionState } from '../../src/index.ts';
import { refreshDueAt } from '../../src/refresh/timing.ts';

/** The access token's lifetime in ms, from its claims (the server sets exp = iat + lifetime). */
export function tokenLifetime(claims: JwtClaims | null): number | null {
  return typeof claims?.exp === 'number' && typeof claims.iat === 'number' ? (claims.exp - claims.iat) * 1000 : null;
}

/**
 * When the SDK will refresh on its own: its own formula (the leeway before expiry, capped at
 * half the lifetime) without the random jitter of up to 5 % of the lifetime that it subtracts,
 * hence "about", and the latest it can be.
 */
export function nextRefreshAt(state: SessionState, leewaySeconds: number, lifetime = tokenLifetime(state.claims)): number | null {
  if (state.expiresAt === null || lifetime === null) return null;
  return refreshDueAt({ expiresAt: state.expiresAt, issuedAt: state.expiresAt - lifetime }, leewaySeconds, () => 0);
}
