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
  /** The server said the session is over (`invalid_grant`), or (OIDC) a refresh answered for another user. */
  | 'refresh_rejected'
  /** Wrong credentials on login (a 401, or a 400 `invalid_grant`; any other 400 is `http`), or the identity provider refused the sign-in (`oauthError` says how). */
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
  /**
   * A credentialed request (an auth call, or `http`/`fetch` to a trusted origin) was answered
   * with a redirect. It was not followed, so nothing of the session reached its target.
   */
  | 'redirect_refused'
  /** `createSession` was given an option that cannot be right (a `baseUrl` that is not an absolute http(s) URL, say). */
  | 'invalid_options'
  /** A failure the SDK cannot classify: a bug in it or in app code it calls. Reported, not retried on a timer. */
  | 'internal'
  /** The session was disposed. */
  | 'disposed';

export interface TokenwardErrorDetails {
  status?: number | undefined;
  retryAfter?: number | undefined;
  oauthError?: string | undefined;
  oauthErrorDescription?: string | undefined;
  cause?: unknown;
}

export class TokenwardError extends Error {
  override readonly name = 'TokenwardError';
  readonly code: TokenwardErrorCode;
  // Declared, not defined: the constructor copies in those the details have.
  /** HTTP status, when the error came from a response. */
  declare readonly status: number | undefined;
  /** Seconds the server asked us to wait (429 `Retry-After`). */
  declare readonly retryAfter: number | undefined;
  /** The OAuth-style `error` of the server's JSON answer (`invalid_request`, `invalid_grant`...), when it sent one. */
  declare readonly oauthError: string | undefined;
  /** Its `error_description`, when it sent one. */
  declare readonly oauthErrorDescription: string | undefined;

  constructor(code: TokenwardErrorCode, message: string, { cause, ...details }: TokenwardErrorDetails = {}) {
    super(message, { cause });
    this.code = code;
    Object.assign(this, details);
  }
}

/** Wraps anything thrown into a TokenwardError, keeping the original as `cause`. */
export function toTokenwardError(error: unknown, fallback: TokenwardErrorCode = 'network'): TokenwardError {
  if (error instanceof TokenwardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TokenwardError(fallback, message, { cause: error });
}

/** There is no session (any more) to do this for: none was there, or it ended meanwhile. */
export const noSession = (): TokenwardError => new TokenwardError('unauthenticated', 'no session');
