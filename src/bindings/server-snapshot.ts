import type { SessionState } from '../index.js';

/**
 * What the framework bindings show while rendering on the server: there is no session there
 * (the refresh cookie and the vault belong to the browser), so the honest answer is `loading`.
 * One constant object, because React compares server snapshots by identity.
 */
export const SERVER_SNAPSHOT: SessionState = Object.freeze({
  status: 'loading',
  expiresAt: null,
  claims: null,
  refreshing: false,
  expired: false,
  error: null,
});
