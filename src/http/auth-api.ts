import ky, { TimeoutError } from 'ky';
import { TokenwardError } from '../errors.js';
import { parseRetryAfter } from '../refresh/backoff.js';
import { parseHttpDate, parseTokenResponse, type SessionMode, type TokenSet } from '../tokens.js';
import { csrfHeader, type CsrfOptions } from './csrf.js';

/** Paths (or absolute URLs) of the server's session endpoints, resolved against `baseUrl`. */
export interface Endpoints {
  readonly login: string;
  readonly refresh: string;
  readonly logout: string;
}

export interface AuthApiOptions {
  readonly baseUrl: string | undefined;
  readonly endpoints: Endpoints;
  readonly mode: SessionMode;
  readonly csrf: CsrfOptions | false;
  /** Milliseconds before a call to the server counts as a (transient) timeout. */
  readonly timeout: number;
}

/** The first-party flow: the three calls to the server's session endpoints, each answering with a classified TokenwardError on failure. */
export interface AuthApi {
  login(credentials: unknown, signal: AbortSignal): Promise<TokenSet>;
  refresh(tokens: TokenSet, signal: AbortSignal): Promise<TokenSet>;
  /** Not abortable on purpose: with keepalive it must outlive the page and a disposed session. */
  logout(): Promise<void>;
}

type Call = 'login' | 'refresh' | 'logout';

export function createAuthApi({ baseUrl, endpoints, mode, csrf, timeout }: AuthApiOptions): AuthApi {
  // Our own status handling decides what is transient, so ky must neither retry nor throw on status.
  const client = ky.create({ credentials: 'include', retry: 0, timeout, throwHttpErrors: false });

  async function post(call: Call, body: unknown, signal?: AbortSignal): Promise<Response> {
    if (!baseUrl) throw new TokenwardError('network', 'no baseUrl (needed outside a browser)');
    try {
      return await client.post(new URL(endpoints[call], baseUrl), {
        // Read the CSRF cookie now: a purge running next to a logout must not race the header.
        headers: csrfHeader(csrf),
        json: body,
        signal,
        // The logout call must reach the server even if the page is being closed.
        keepalive: call === 'logout',
      });
    } catch (error) {
      if (signal?.aborted) throw new TokenwardError('disposed', `${call} aborted`, { cause: error });
      if (error instanceof TimeoutError) throw new TokenwardError('timeout', `${call} timed out after ${timeout} ms`, { cause: error });
      throw new TokenwardError('network', `${call} request failed`, { cause: error });
    }
  }

  async function tokensFrom(call: Call, response: Response): Promise<TokenSet> {
    const receivedAt = Date.now();
    if (!response.ok) throw await failureOf(call, response);
    const text = await bodyOf(call, response);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new TokenwardError('invalid_response', `${call}: the body is not JSON`, { cause: error });
    }
    return parseTokenResponse(body, mode, { receivedAt, serverDate: parseHttpDate(response.headers.get('date')) });
  }

  return {
    login: async (credentials, signal) => tokensFrom('login', await post('login', credentials, signal)),
    refresh: async ({ refreshToken }, signal) =>
      tokensFrom('refresh', await post('refresh', refreshToken ? { refresh_token: refreshToken } : undefined, signal)),
    async logout() {
      const response = await post('logout', undefined);
      if (!response.ok) throw await failureOf('logout', response);
      // Read to the end: a response that breaks off leaves it unknown whether the server logged out.
      await bodyOf('logout', response);
    },
  };
}

async function bodyOf(call: Call, response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw new TokenwardError('network', `${call} response broke off`, { cause: error });
  }
}

/** Classifies an error status: what is transient, what ends the session, what is the caller's mistake. */
async function failureOf(call: Call, response: Response): Promise<TokenwardError> {
  const { status } = response;
  const message = `${call} answered ${status}`;
  if (status === 429) {
    return new TokenwardError('rate_limited', message, { status, retryAfter: parseRetryAfter(response.headers.get('retry-after')) });
  }
  if (status >= 500 || status === 408) return new TokenwardError('server', message, { status });
  if (call === 'logout') return new TokenwardError('logout_failed', message, { status });
  if (call === 'login' && (status === 400 || status === 401)) return new TokenwardError('login_failed', message, { status });
  if (call === 'refresh' && (status === 401 || (status === 400 && (await errorCodeOf(response)) === 'invalid_grant'))) {
    return new TokenwardError('refresh_rejected', message, { status });
  }
  return new TokenwardError('http', message, { status });
}

async function errorCodeOf(response: Response): Promise<unknown> {
  try {
    return ((await response.json()) as { error?: unknown } | null)?.error;
  } catch {
    return undefined;
  }
}
