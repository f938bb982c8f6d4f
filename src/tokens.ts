import { TokenwardError } from './errors.js';

/** What a login or refresh endpoint answers (OAuth 2.0 token response shape). */
export interface TokenResponse {
  access_token?: string;
  token_type?: string;
  /** Lifetime of the access token in seconds, counted from when the response arrives. */
  expires_in?: number;
  /** Only for servers that hand the refresh token to the page instead of an HttpOnly cookie. */
  refresh_token?: string;
}

/** Decoded JWT payload. Decoded for display and scheduling only: the server verifies, we never trust it. */
export interface JwtClaims {
  readonly sub?: string;
  readonly exp?: number;
  readonly iat?: number;
  readonly [claim: string]: unknown;
}

export type SessionMode = 'bearer' | 'cookie';

/** The credentials the session holds. Times are milliseconds on this machine's clock. */
export interface TokenSet {
  /** The bearer token; null in cookie mode, where the server's session cookie is the credential. */
  readonly accessToken: string | null;
  /** A refresh token the server returned in the body; null when it lives in an HttpOnly cookie. */
  readonly refreshToken: string | null;
  /** When the access token stops being valid. */
  readonly expiresAt: number;
  /** When the response carrying it arrived. */
  readonly issuedAt: number;
  readonly claims: JwtClaims | null;
  /** What else a flow must keep with the tokens, sealed in the vault with them (OpenID Connect: the ID token). */
  readonly extra?: Readonly<Record<string, string>>;
  /**
   * The refresh journal, in the vault only: when a refresh presenting these tokens left. A page
   * that finds it on load may have missed the answer (the server may have rotated meanwhile), so it
   * refreshes at once, within the server's reuse grace window, instead of trusting these tokens.
   */
  readonly sent?: number;
}

/** When a response arrived by our clock, and what its `Date` header said (ms), if anything. */
export interface ResponseTiming {
  readonly receivedAt: number;
  readonly serverDate?: number | null;
}

const decoder = new TextDecoder();

/** UTF-8 bytes read as a JSON object (the vault's plaintext, a JWT's payload); null for anything else. */
export function jsonObject(bytes: BufferSource): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function invalid(message: string): TokenwardError {
  return new TokenwardError('invalid_response', `token response: ${message}`);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A JSON object (not null, not an array): token responses, JWT payloads and stored records must be one. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a token response and turns it into a TokenSet. Expiry comes from `expires_in`
 * counted from the moment the response arrived, so a client clock that is off does not
 * matter. Only when `expires_in` is missing do we fall back to the JWT's `exp`, shifted by
 * the difference between our clock and the server's `Date` header.
 */
export function parseTokenResponse(body: unknown, mode: SessionMode, timing: ResponseTiming): TokenSet {
  if (!isObject(body)) throw invalid('not an object');
  const accessToken = mode === 'bearer' ? body.access_token : null;
  if (mode === 'bearer' && !isNonEmptyString(accessToken)) throw invalid('no access_token');
  const refreshToken = body.refresh_token ?? null;
  if (refreshToken !== null && !isNonEmptyString(refreshToken)) throw invalid('bad refresh_token');
  const claims = isNonEmptyString(accessToken) ? decodeJwtClaims(accessToken) : null;
  return {
    accessToken: isNonEmptyString(accessToken) ? accessToken : null,
    refreshToken,
    expiresAt: expiryOf(body.expires_in, claims, timing),
    issuedAt: timing.receivedAt,
    claims,
  };
}

/**
 * What no flow may adopt (the first-party and the OpenID Connect flows alike): asked with a DPoP
 * key (`bound`), tokens whose `token_type` is not DPoP, which the server did not bind to it (RFC
 * 9449 §5); and a refresh of `previous` answered for another `sub`, another user's tokens: asking
 * again cannot make them this user's, so the session ends. Returns `tokens`.
 */
export function refuseForeign<T extends TokenSet | undefined>(bound: unknown, tokenType: unknown, tokens?: T, previous?: TokenSet): T {
  if (bound && !/^dpop$/i.test(tokenType as string)) throw invalid('not DPoP');
  if (tokens?.claims && previous?.claims && tokens.claims.sub !== previous.claims.sub) throw new TokenwardError('refresh_rejected', 'another user');
  return tokens as T;
}

function expiryOf(expiresIn: unknown, claims: JwtClaims | null, timing: ResponseTiming): number {
  if (expiresIn !== undefined) {
    if (typeof expiresIn !== 'number' || !(expiresIn > 0) || expiresIn === Infinity) throw invalid('bad expires_in');
    return timing.receivedAt + expiresIn * 1000;
  }
  const exp = claims?.exp;
  if (typeof exp !== 'number') throw invalid('no expires_in or exp');
  // NaN and Infinity fail here too.
  const expiresAt = exp * 1000 + timing.receivedAt - (timing.serverDate ?? timing.receivedAt);
  if (expiresAt > timing.receivedAt && expiresAt < Infinity) return expiresAt;
  throw invalid('bad exp');
}

/** Decodes the payload of a JWT; null for opaque or malformed tokens (they still work from expires_in). */
export function decodeJwtClaims(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    // atob() decodes base64 without its padding; base64url differs only in two characters.
    const binary = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    return jsonObject(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** Parses an HTTP `Date` header into ms; null when absent or unreadable. */
export function parseHttpDate(header: string | null): number | null {
  if (!header) return null;
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? null : ms;
}
