// What the server remembers, as interfaces only: stores.ts picks the SQLite or the Redis
// implementation, and both import these from here (not from stores.ts, which imports them).
import type { ProofIdLog } from './dpop.ts';
import type { AttemptLog } from './rate-limit.ts';
import type { RefreshTokenStore } from './refresh-tokens.ts';
import type { SessionStore } from './session-store.ts';

export interface Stores {
  sessions: SessionStore;
  refreshTokens: RefreshTokenStore;
  /** The login throttle's attempts. */
  loginAttempts: AttemptLog;
  /** The ids of accepted DPoP proofs, against replays. */
  proofIds: ProofIdLog;
  close(): Promise<void>;
}

export interface StoreSettings {
  refreshTtlMs: number; // idle expiry of a session and of each refresh token
  absoluteMs: number; // absolute lifetime since sign-in
  graceWindowMs: number; // 0 = strict rotation
  /** Seals successors for the grace window (refresh-tokens.ts); the same for every process, never stored. */
  sealSecret: Buffer;
}
