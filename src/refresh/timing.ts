import type { TokenSet } from '../tokens.js';

/** Upper bound of the random spread subtracted from each refresh time, so tabs and clients do not stampede. */
const MAX_JITTER_MS = 2_000;

/**
 * When to refresh proactively: `leeway` seconds before expiry, but never more than half the
 * token's lifetime (a 4 s token with the default 30 s leeway would otherwise refresh forever),
 * minus a little jitter (at most 5 % of the lifetime).
 */
export function refreshDueAt(tokens: Pick<TokenSet, 'expiresAt' | 'issuedAt'>, leewaySeconds: number, random: () => number = Math.random): number {
  const lifetime = Math.max(0, tokens.expiresAt - tokens.issuedAt);
  const leeway = Math.min(leewaySeconds * 1000, lifetime / 2);
  const jitter = random() * Math.min(MAX_JITTER_MS, lifetime * 0.05);
  return tokens.expiresAt - leeway - jitter;
}
