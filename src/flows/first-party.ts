import ky, { TimeoutError } from 'ky';
import type { DpopBinding, DpopKey } from '../contract/dpop.js';
import type { CsrfOptions, Endpoints } from '../contract/options.js';
import { TokenwardError } from '../errors.js';
import { parseRetryAfter } from '../refresh/backoff.js';
import { parseHttpDate, parseTokenResponse, refuseForeign, type SessionMode, type TokenResponse, type TokenSet } from '../tokens.js';
import { csrfSource, type CsrfSource } from '../http/csrf.js';
import { refuseRedirect } from '../http/redirect.js';
import { unanswered } from '../http/unanswered.js';

export interface AuthApiOptions {
  readonly baseUrl: string | undefined;
  readonly endpoints: Endpoints;
  readonly mode: SessionMode;
  readonly csrf: CsrfOptions | false;
  /** Milliseconds before a call to the server counts as a (transient) timeout. */
  readonly timeout: number;
  /** With DPoP: signs each call with the session's key. */
  readonly dpop?: DpopBinding | null;
}

/** The first-party flow: the three calls to the server's session endpoints, each answering with a classified TokenwardError on failure. */
export interface AuthApi {
  login(credentials: unknown, signal: AbortSignal, key: DpopKey | null): Promise<TokenSet>;
  refresh(tokens: TokenSet, signal: AbortSignal, key: DpopKey | null): Promise<TokenSet>;
  /** Not abortable on purpose: with keepalive it must outlive the page and a disposed session. Sends a page-held refresh token, for revocation. */
  logout(tokens: TokenSet | null, key: DpopKey | null): Promise<void>;
}

type Call = 'login' | 'refresh' | 'logout';

/** `csrfTokens` is shared with the session's fetch, so that both send the latest token a response carried. */
export function createAuthApi({ baseUrl, endpoints, mode, csrf, timeout, dpop }: AuthApiOptions, csrfTokens: CsrfSource = csrfSource(csrf)): AuthApi {
  // Our own status handling decides what is transient, so ky must neither retry nor throw on status.
  // No redirect is followed: a token body from wherever it pointed must never become the session.
  const client = ky.create({ credentials: 'include', retry: 0, timeout, throwHttpErrors: false, redirect: 'manual' });

  /** POSTs `body` to the endpoint of `call` and reads the answer to its end: the tokens it carries (logout: none; a refresh's checked against `previous`), or a classified TokenwardError. */
  async function post(call: Call, body: unknown, key: DpopKey | null, signal?: AbortSignal, previous?: TokenSet): Promise<TokenSet | undefined> {
    if (!baseUrl) throw new TokenwardError('network', 'no baseUrl');
    const url = new URL(endpoints[call], baseUrl);
    let response: Response;
    try {
      response = await client.post(url, {
        // Read the CSRF cookie now: a purge running next to a logout must not race the header.
        headers: csrfTokens.header(url.href),
        json: body,
        signal,
        // Logout and refresh reach the server even if the page is being closed, and the browser
        // still stores the cookies their answer sets (a rotated refresh cookie).
        keepalive: call !== 'login',
        // With DPoP, the proof names the key the server binds the session to (login) or checks it against.
        ...(key && dpop && { fetch: dpop.fetchWith(key) }),
      });
    } catch (error) {
      if (signal?.aborted) throw new TokenwardError('disposed', `${call} aborted`, { cause: error });
      if (error instanceof TimeoutError) throw new TokenwardError('timeout', `${call} timed out after ${timeout} ms`, { cause: error });
      throw new TokenwardError('network', `${call} request failed: ${unanswered(url)}`, { cause: error });
    }
    const receivedAt = Date.now();
    csrfTokens.remember(response);
    refuseRedirect(response, call);
    if (!response.ok) throw await failureOf(call, response);
    let text: string;
    try {
      // Read to the end: a logout answer that breaks off leaves it unknown whether the server logged out.
      text = await response.text();
    } catch (error) {
      throw new TokenwardError('network', `${call} response broke off`, { cause: error });
    }
    if (call === 'logout') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new TokenwardError('invalid_response', `${call}: not JSON`, { cause: error });
    }
    const tokens = parseTokenResponse(parsed, mode, { receivedAt, serverDate: parseHttpDate(response.headers.get('date')) });
    return refuseForeign(key, (parsed as TokenResponse).token_type, tokens, previous);
  }

  const tokenBody = (refreshToken: string | null) => (refreshToken ? { refresh_token: refreshToken } : undefined);

  return {
    // A login or refresh answer carries tokens (or post() throws).
    login: (credentials, signal, key) => post('login', credentials, key, signal) as Promise<TokenSet>,
    refresh: (tokens, signal, key) => post('refresh', tokenBody(tokens.refreshToken), key, signal, tokens) as Promise<TokenSet>,
    logout: async (tokens, key) => void (await post('logout', tokenBody(tokens?.refreshToken ?? null), key)),
  };
}

/**
 * Classifies an error status: what is transient, what ends the session, what is the caller's
 * mistake. The server's OAuth-style `error` and `error_description` travel with it. Wrong
 * credentials are a 401 or a 400 `invalid_grant`; any other 400 is a malformed request.
 */
async function failureOf(call: Call, response: Response): Promise<TokenwardError> {
  const { status } = response;
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  const text = (field: string): string | undefined => {
    const value = body?.[field];
    return typeof value === 'string' ? value : undefined;
  };
  const oauthError = text('error');
  const oauthErrorDescription = text('error_description');
  const refused = status === 401 || (status === 400 && oauthError === 'invalid_grant');
  return new TokenwardError(
    status === 429
      ? 'rate_limited'
      : status >= 500 || status === 408
        ? 'server'
        : call === 'logout'
          ? 'logout_failed'
          : refused && call === 'login'
            ? 'login_failed'
            : refused
              ? 'refresh_rejected'
              : 'http',
    `${call} answered ${status}${oauthError ? ` ${oauthError}` : ''}${oauthErrorDescription ? `: ${oauthErrorDescription}` : ''}`,
    { status, retryAfter: status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : undefined, oauthError, oauthErrorDescription },
  );
}

export type { Endpoints } from '../contract/options.js';
