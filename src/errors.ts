/**
 * Every failure the SDK reports is a `TokenwardError`, and `code` says what happened.
 * A refresh failure other than `refresh_rejected` keeps the session: the SDK backs off and
 * retries on its own, and `getState().error` holds the failure until the next success.
 */
export type TokenwardErrorCode =
  /** The server answered with a body that is not a valid token response. */
  | 'invalid_response'
  /** The request never got an answer: offline, DNS, connection dropped. */
  | 'network'
  /** The request took longer than the configured timeout. */
  | 'timeout'
  /** The server answered 5xx. */
  | 'server'
  /** The server answered 429; `retryAfter` holds its wish in seconds when it gave one. */
  | 'rate_limited'
  /** The server said the session is over (`invalid_grant`). */
  | 'refresh_rejected'
  /** Wrong credentials on login, or the identity provider refused the sign-in (`oauthError` says how). */
  | 'login_failed'
  /** A sign-in callback that belongs to no sign-in this browser started (unknown, reused, expired or tampered `state`) or fails validation: refused, no tokens. */
  | 'callback_rejected'
  /** Any other unexpected HTTP status (`status` holds it), for example a 403 on a CSRF mismatch. */
  | 'http'
  /** The call needs a session and there is none. */
  | 'unauthenticated'
  /** Encrypted storage could not be used; the session lives in memory only. */
  | 'storage_unavailable'
  /** The stored session could not be decrypted or validated; it was wiped. */
  | 'storage_corrupted'
  /** The server's logout endpoint failed; the local logout happened anyway. */
  | 'logout_failed'
  /** Part of the logout purge of browser storage failed (the error's `cause` says which); the rest went on. */
  | 'purge_failed'
  /** The session was disposed. */
  | 'disposed';

export interface TokenwardErrorDetails {
  status?: number;
  retryAfter?: number;
  cause?: unknown;
}

export class TokenwardError extends Error {
  override readonly name = 'TokenwardError';
  readonly code: TokenwardErrorCode;
  /** HTTP status, when the error came from a response. */
  readonly status: number | undefined;
  /** Seconds the server asked us to wait (429 `Retry-After`). */
  readonly retryAfter: number | undefined;

  constructor(code: TokenwardErrorCode, message: string, details: TokenwardErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.retryAfter = details.retryAfter;
  }
}

/** Wraps anything thrown into a TokenwardError, keeping the original as `cause`. */
export function toTokenwardError(error: unknown, fallback: TokenwardErrorCode = 'network'): TokenwardError {
  if (error instanceof TokenwardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TokenwardError(fallback, message, { cause: error });
}
