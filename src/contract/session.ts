import type { KyInstance } from 'ky';
import type { SessionEventHandler, SessionEventName } from '../events.js';
import type { Listener, SessionState } from '../state.js';
import type { TokenResponse } from '../tokens.js';

/** The body sent to the login endpoint, as JSON. */
export type LoginCredentials = Readonly<Record<string, unknown>>;

/** What `logout()` may be asked for besides ending the session. */
export interface LogoutOptions {
  /** With a flow that has one (OpenID Connect), then navigate to the provider to end the session there too. */
  readonly redirect?: boolean;
}

/**
 * A signed-in session in a single-page app, from login to a logout that leaves nothing behind.
 * `Login` is what `login()` takes: the credentials of the first-party contract, or what the session's `flow` asks for.
 */
export interface Session<Login = LoginCredentials> {
  /** Resolves once the stored session was read (and, if its token had expired, one refresh was tried). Never rejects. */
  readonly ready: Promise<void>;
  /** A ky instance that authenticates requests to trusted origins, refreshing on 401 and retrying once. */
  readonly http: KyInstance;
  /** The same behaviour as `http`, as a drop-in `fetch`. The global fetch is never patched. */
  readonly fetch: typeof fetch;
  /** The current snapshot; the same object until something changes. */
  getState(): SessionState;
  /** Calls `listener` with each new snapshot; returns the unsubscribe function. */
  subscribe(listener: Listener<SessionState>): () => void;
  /** Listens to a session event; returns the function that stops listening. */
  on<K extends SessionEventName>(name: K, handler: SessionEventHandler<K>): () => void;
  /**
   * POSTs the credentials to the login endpoint and starts a session; rejects with `login_failed` on wrong
   * credentials. With a `flow`, signs in its way (OpenID Connect: navigates to the provider).
   */
  login(input: Login): Promise<void>;
  /** Starts a session from a token response obtained by another flow. Rejects with `invalid_response` and changes nothing if it is malformed. */
  setTokens(response: TokenResponse): Promise<void>;
  /**
   * A valid access token, or null without a session (and always null in cookie mode).
   * Refreshes first when the token has expired; rejects with a TokenwardError when no valid
   * token can be had right now (the session is kept and retried in the background).
   */
  getAccessToken(): Promise<string | null>;
  /** Refreshes now, joining a refresh already in flight. */
  refresh(): Promise<void>;
  /** Ends the session: locally at once, then at the server and in storage. Never rejects for a server failure (that is an `error` event). */
  logout(options?: LogoutOptions): Promise<void>;
  /** Stops timers, listeners and requests in flight. The session cannot be used afterwards. */
  dispose(): void;
}
