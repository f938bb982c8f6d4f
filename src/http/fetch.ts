import { noSession, TokenwardError } from '../errors.js';
import type { SessionMode } from '../tokens.js';
import { isUnsafeMethod, type CsrfSource } from './csrf.js';
import { refuseRedirect } from './redirect.js';
import { unanswered } from './unanswered.js';

/** What the authenticated fetch needs from the session. */
export interface AuthFetchDeps {
  readonly mode: SessionMode;
  readonly csrf: CsrfSource;
  /** True for baseUrl's origin and the trusted origins: only they see credentials. */
  isTrusted(url: string): boolean;
  /** The bearer token to send (refreshing first when due), or null without a session (then the request never leaves). */
  accessToken(): Promise<string | null>;
  /** Increases whenever the session's credentials change. */
  credentialVersion(): number;
  /**
   * After a 401 on a request sent with credential version `sentVersion`: makes fresh
   * credentials available (refreshing unless someone already did) and says if a retry is worth it.
   */
  recover(sentVersion: number): Promise<boolean>;
  /** Sends a request that carries `token`: as a bearer token (`bearer`), or with DPoP, with a proof by the key it is bound to. */
  send(request: Request, token: string): Promise<Response>;
}

/**
 * A fetch-compatible function that authenticates requests to trusted origins: bearer token
 * (bearer mode), credentials included, CSRF header on unsafe methods; on a 401 it refreshes
 * once (shared with every other caller) and retries once. A second 401 goes to the caller.
 * A redirect from a trusted origin is never followed: it rejects with `redirect_refused`.
 * In bearer mode a request to a trusted origin without a session rejects with `unauthenticated`
 * before it leaves (in cookie mode only the server can tell). A request that gets no answer
 * rejects with `network`, as the SDK's own calls do. Requests to any other origin pass through
 * untouched. The global fetch is never patched.
 */
export function createAuthFetch(deps: AuthFetchDeps): typeof fetch {
  /** Sends `request` authenticated: the response, and the credential version it was sent with. */
  async function send(request: Request): Promise<[response: Response, version: number]> {
    const headers = new Headers(request.headers);
    const token = deps.mode === 'bearer' ? await deps.accessToken() : null;
    if (deps.mode === 'bearer' && !token) throw noSession();
    if (isUnsafeMethod(request.method)) {
      for (const [name, value] of deps.csrf.header(request.url)) headers.set(name, value);
    }
    // Read after the token: accessToken() may have just refreshed.
    const version = deps.credentialVersion();
    const outgoing = new Request(request, { headers, credentials: 'include', redirect: 'manual' });
    const response = refuseRedirect(await (token ? deps.send(outgoing, token) : fetch(outgoing)), request.url);
    deps.csrf.remember(response);
    return [response, version];
  }

  async function authenticated(request: Request): Promise<Response> {
    // Keep an unread copy of the body for the one retry.
    const retry = request.clone();
    const [response, version] = await send(request);
    if (response.status !== 401 || !(await deps.recover(version))) return response;
    await response.body?.cancel();
    return (await send(retry))[0];
  }

  return async (input, init) => {
    const request = new Request(input, init);
    try {
      return await (deps.isTrusted(request.url) ? authenticated(request) : fetch(request));
    } catch (error) {
      // fetch rejects with a TypeError only when no answer came (offline, CORS, mixed content).
      if (!(error instanceof TypeError)) throw error;
      throw new TokenwardError('network', `request failed: ${unanswered(new URL(request.url))}`, { cause: error });
    }
  };
}

/** Sends `request` with `token` as a bearer token. */
export function bearer(request: Request, token: string): Promise<Response> {
  request.headers.set('Authorization', `Bearer ${token}`);
  return fetch(request);
}
