import ky, { type KyInstance } from 'ky';
import { TokenwardError, toTokenwardError } from './errors.js';
import { createEmitter, type ChangeSource, type LogoutReason, type SessionEventHandler, type SessionEventName, type SessionEvents } from './events.js';
import type { DpopBinding, DpopKey } from './dpop/index.js';
import type { Flow } from './flows/flow.js';
import { createAuthApi } from './http/auth-api.js';
import { csrfSource, type CsrfSource } from './http/csrf.js';
import { bearer, createAuthFetch } from './http/fetch.js';
import { createOriginPolicy } from './http/origins.js';
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options.js';
import { backoffDelay, givesUp } from './refresh/backoff.js';
import { createCrossTabLock, type RefreshLock } from './refresh/lock.js';
import { createScheduler, type Scheduler } from './refresh/scheduler.js';
import { singleFlight } from './refresh/single-flight.js';
import { refreshDueAt } from './refresh/timing.js';
import { onWake } from './refresh/wake.js';
import { createStore, INITIAL_STATE, type Listener, type SessionState } from './state.js';
import { purgeClientStorage, type PurgeOptions } from './logout/purge.js';
import { vaultDatabaseName } from './storage/encrypted.js';
import { openVault } from './storage/open.js';
import type { StoredSession, Vault } from './storage/vault.js';
import { openSyncChannel, type Envelope, type SyncChannel } from './sync/channel.js';
import type { SessionLink } from './sync/link.js';
import { parseTokenResponse, type TokenResponse, type TokenSet } from './tokens.js';

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

/**
 * Creates the session of a single-page app: restores it from the encrypted vault, keeps its
 * access token fresh, keeps every tab in step and ends it with a logout that leaves nothing
 * behind. Create one per app, once, outside any component; every option has a default that
 * fits the reference server.
 *
 * @example
 * ```ts
 * import { createSession } from 'tokenward';
 *
 * const session = createSession({ baseUrl: 'https://api.example.com' });
 * session.subscribe((state) => render(state));
 * session.on('logout', ({ reason }) => showLogin(reason));
 * await session.ready;
 *
 * await session.login({ username: 'alice', password: 'wonderland' });
 * const me = await session.http.get('api/me').json();
 * await session.logout();
 * ```
 */
export function createSession<Login = LoginCredentials>(options: SessionOptions<Login> = {}): Session<Login> {
  return new TokenwardSession(resolveOptions(options));
}

type TokenEvent = 'login' | 'refresh';

/** The part of a purge that each tab must do itself: its own sessionStorage. */
function perTabPurge(purge: PurgeOptions | undefined): PurgeOptions {
  return { sessionStorage: purge?.sessionStorage ?? true, localStorage: false, indexedDB: false, caches: false, cookies: false };
}

/** There is no session (any more) to do this for: none was there, or it ended meanwhile. */
const noSession = (): TokenwardError => new TokenwardError('unauthenticated', 'no session (or it ended meanwhile)');

class TokenwardSession implements Session<unknown> {
  readonly ready: Promise<void>;
  readonly fetch: typeof fetch;
  readonly http: KyInstance;

  readonly #options: ResolvedOptions;
  readonly #state = createStore<SessionState>(INITIAL_STATE);
  readonly #events = createEmitter<SessionEvents>();
  readonly #flow: Flow<unknown>;
  /** With `dpop`: makes, restores and signs with the keys tokens are bound to. */
  readonly #dpop: DpopBinding | null;
  /** The CSRF token source the auth calls and `fetch` share (cookie, else the latest response header). */
  readonly #csrf: CsrfSource;
  readonly #vault: Vault;
  readonly #channel: SyncChannel | null;
  readonly #lock: RefreshLock;
  readonly #scheduler: Scheduler;
  /** Aborted by dispose(): cancels requests in flight and lock requests (which releases a held lock), and stops the listeners. */
  readonly #lifetime = new AbortController();
  readonly #refresh = singleFlight(() => this.#runRefresh());

  #tokens: TokenSet | null = null;
  /** The DPoP key `#tokens` are bound to; null without DPoP (or for tokens given to setTokens). */
  #key: DpopKey | null = null;
  /** Counts session boundaries (login, logout); work started in an older generation is dropped. */
  #generation = 0;
  /** Counts credential changes, so a 401 can tell whether someone already refreshed since it was sent. */
  #version = 0;
  /** Until then, getAccessToken() answers from memory: the hot path reads nothing else. */
  #freshUntil = 0;
  #failures = 0;
  /** When the current run of failed refreshes (`#failures`) began. */
  #failingSince = 0;
  #retryAt = 0;
  #expiredNotified: number | null = null;
  /** The server logout call still on its way, if any: settles, never rejects. */
  #serverLogout: Promise<void> | undefined;
  /** A login call is on its way: an owed logout must not be retried now, or it would end the new session at the server. */
  #loggingIn = false;
  #disposed = false;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    const csrf = (this.#csrf = csrfSource(options.csrf));
    const dpop = (this.#dpop = options.dpop?.createBinding() ?? null);
    const context = { ...options, dpop };
    this.#flow = options.flow?.createFlow(context) ?? createAuthApi(context, csrf);
    this.#vault = openVault(options.storage, options.name, (error) => this.#report(error), options.timeout);
    this.#channel = openSyncChannel(options.name);
    this.#channel?.onMessage((message) => this.#onMessage(message));
    // The bound leaves a holder room for one refresh call (its own timeout) plus vault I/O.
    this.#lock = createCrossTabLock(options.name, options.timeout * 2, this.#lifetime.signal);
    this.#scheduler = createScheduler({ onDue: () => this.#refreshInBackground() });
    // Tokens bound to no key (no DPoP, or handed to setTokens()) go as bearer tokens.
    const send = (request: Request, token: string): Promise<Response> => (this.#key && dpop ? dpop.send(request, token, this.#key) : bearer(request, token));
    this.fetch = createAuthFetch({
      mode: options.mode,
      csrf,
      isTrusted: createOriginPolicy(options.baseUrl, options.trustedOrigins),
      accessToken: () => this.getAccessToken(),
      credentialVersion: () => this.#version,
      recover: (sentVersion) => this.#recover(sentVersion),
      send,
    });
    // ky would retry our own verdicts (redirect_refused, disposed...) like network errors.
    this.http = ky.create({ fetch: this.fetch, retry: { shouldRetry: ({ error }) => (error instanceof TokenwardError ? false : undefined) } });
    // A tab that slept, was frozen or came back from the bfcache may have missed messages.
    onWake(() => void this.#resync().then(() => this.#scheduler.check()), this.#lifetime.signal);
    // The opt-in parts: the session check (server-side invalidation) and the idle timeout.
    const link: SessionLink = {
      session: this,
      options,
      lifetime: this.#lifetime.signal,
      live: () => (this.#tokens ? this.#generation : 0),
      end: (reason) => void this.#end(reason),
      send,
      emit: this.#events.emit,
      answered: (response) => csrf.remember(response),
    };
    options.sessionCheck?.start(link);
    options.idleTimeout?.start(link);
    this.ready = this.#restore();
    // Every method works taken off the object: `const { login, http } = useSessionClient()`.
    for (const name of Object.getOwnPropertyNames(TokenwardSession.prototype) as Array<keyof this>) {
      if (name !== 'constructor') this[name] = (this[name] as (...args: unknown[]) => unknown).bind(this) as this[keyof this];
    }
  }

  getState(): SessionState {
    return this.#state.get();
  }

  subscribe(listener: Listener<SessionState>): () => void {
    return this.#state.subscribe(listener);
  }

  on<K extends SessionEventName>(name: K, handler: SessionEventHandler<K>): () => void {
    return this.#events.on(name, handler);
  }

  async login(input: unknown): Promise<void> {
    this.#assertAlive();
    await this.ready;
    // The generation moves only once the server said yes: a failed login must leave the tab in
    // step with the vault and the other tabs. A logout (here or elsewhere) meanwhile wins.
    const generation = this.#generation;
    this.#loggingIn = true;
    try {
      // A logout response that landed after this login's would clear the cookies the login just set.
      await this.#serverLogout;
      // A new key for every login: nothing bound to an earlier session works with this one.
      const key = (await this.#dpop?.create()) ?? null;
      const tokens = await this.#flow.login(input, this.#lifetime.signal, key);
      // None: the sign-in goes on elsewhere and comes back through the flow's callback.
      if (!tokens) return;
      if (generation !== this.#generation) throw noSession();
      await this.#commit(tokens, key, ++this.#generation, 'login');
    } finally {
      this.#loggingIn = false;
    }
  }

  async setTokens(response: TokenResponse): Promise<void> {
    this.#assertAlive();
    await this.ready;
    const tokens = parseTokenResponse(response, this.#options.mode, { receivedAt: Date.now() });
    await this.#commit(tokens, null, ++this.#generation, 'login');
  }

  getAccessToken(): Promise<string | null> {
    const tokens = this.#tokens;
    if (tokens !== null && Date.now() < this.#freshUntil) return Promise.resolve(tokens.accessToken);
    return this.#accessTokenSlowly();
  }

  async refresh(): Promise<void> {
    this.#assertAlive();
    await this.ready;
    if (!this.#tokens) throw noSession();
    await this.#refresh();
  }

  async logout(options?: LogoutOptions): Promise<void> {
    this.#assertAlive();
    const tokens = this.#tokens;
    await this.#end('user');
    if (!options?.redirect || !tokens || !this.#flow.endSession) return;
    // The provider's own logout comes after ours reached it (revocation): leaving the page first could cut it off.
    await this.#serverLogout;
    await this.#flow.endSession(tokens).catch((error: unknown) => this.#report(toTokenwardError(error, 'logout_failed')));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // The fast path of getAccessToken() must reject too.
    this.#freshUntil = 0;
    this.#lifetime.abort();
    this.#scheduler.dispose();
    this.#channel?.close();
    this.#events.clear();
  }

  async #restore(): Promise<void> {
    // Start on a later microtask, so that handlers attached right after createSession() hear everything.
    await Promise.resolve();
    await this.#resync(false);
    await this.#completeSignIn();
    const tokens = this.#tokens;
    if (tokens && this.#state.get().status === 'loading') {
      // Stored but expired while the app was closed: one refresh before `ready`.
      await this.#refresh().catch(() => undefined);
      // A transient failure keeps the session (with `error` set): the server has not said it is over.
      if (this.#tokens === tokens) this.#state.update({ status: 'authenticated', expiresAt: tokens.expiresAt, claims: tokens.claims });
    }
    if (this.#state.get().status === 'loading') this.#state.update({ status: 'unauthenticated' });
  }

  /** Finishes a sign-in that came back to this page through the flow (a redirect callback), if this page load is one. */
  async #completeSignIn(): Promise<void> {
    try {
      const signIn = await this.#flow.callback?.();
      if (signIn) await this.#commit(signIn.tokens, signIn.key, ++this.#generation, 'login');
    } catch (error) {
      this.#report(toTokenwardError(error, 'login_failed'));
    }
  }

  /**
   * Brings this tab in line with the vault, which every tab writes under the refresh lock:
   * adopts a login or refresh from another tab, or ends here when another tab ended the
   * session. Used on start-up, on messages, on wake-up and under the lock before refreshing.
   */
  async #resync(announce = true): Promise<void> {
    const generation = this.#generation;
    let stored: StoredSession | null;
    try {
      stored = await this.#vault.load();
    } catch (error) {
      return this.#corrupted(error);
    }
    // Anything that happened during the read (a logout, a login) owns the state now.
    if (generation !== this.#generation || this.#disposed || !stored || stored.generation < generation) return;
    // A logout whose server call failed or never went out (page closed, offline): try again,
    // on every page load and wake-up (`online` among them) until the server answers.
    if (stored.owed && !this.#serverLogout && !this.#loggingIn && !this.#tokens) this.#logoutAtServer(stored.generation, null, null);
    const newer = stored.generation > generation;
    const known = this.#tokens;
    const tokens = stored.tokens;
    if (!tokens) {
      if (newer) await this.#endFromOtherTab(stored.generation, 'other-tab');
      return;
    }
    if (!newer && known && tokens.issuedAt <= known.issuedAt) return;
    // The key comes with the generation: another tab's session may be bound to another key, or to
    // none (setTokens). Tokens bound to a DPoP key need that very key: without it they cannot work, not even half.
    const jkt = tokens.extra?.jkt;
    if (newer || (jkt && !this.#key)) {
      const key = jkt ? await this.#dpop?.load(stored.dpopKey, jkt) : null;
      if (generation !== this.#generation || this.#disposed) return;
      if (jkt && !key) return this.#corrupted(new TokenwardError('storage_corrupted', 'no DPoP key'));
      this.#key = key ?? null;
    }
    // Another tab's login: the server bound a new CSRF token to that session.
    if (newer) this.#csrf.forget();
    this.#generation = stored.generation;
    if (Date.now() < tokens.expiresAt) {
      this.#adopt(tokens, announce ? (newer || !known ? 'login' : 'refresh') : null, 'other-tab');
    } else {
      // Stored but expired: keep it for its refresh credentials and refresh as soon as possible.
      this.#tokens = tokens;
      this.#freshUntil = 0;
      this.#scheduler.at(Date.now());
    }
  }

  async #accessTokenSlowly(): Promise<string | null> {
    this.#assertAlive();
    await this.ready;
    this.#assertAlive();
    const tokens = this.#tokens;
    if (!tokens) return null;
    if (Date.now() < tokens.expiresAt) {
      // Still valid but due: hand it out and let the refresh run behind it.
      this.#scheduler.check();
      return tokens.accessToken;
    }
    const { error } = this.#state.get();
    // Backing off after a failure: answer now rather than hammer the server or hang.
    if (error && Date.now() < this.#retryAt) throw error;
    try {
      await this.#refresh();
    } catch (failure) {
      if (!this.#tokens) return null;
      throw failure;
    }
    return this.#tokens?.accessToken ?? null;
  }

  async #runRefresh(): Promise<void> {
    const generation = this.#generation;
    const sent = this.#tokens;
    if (!sent) throw noSession();
    this.#state.update({ refreshing: true });
    try {
      await this.#lock.run(async (signal) => {
        // Another tab may have refreshed, or ended the session, while we waited for the lock.
        await this.#resync();
        const current = this.#tokens;
        if (generation !== this.#generation || !current) throw noSession();
        if (current !== sent && Date.now() < current.expiresAt) return;
        const key = this.#key;
        // Present only the newest refresh credential: a server that rotates strictly revokes on reuse.
        const tokens = await this.#flow.refresh(current, signal, key);
        // Written to the vault before the lock is released, so the next holder sees it.
        await this.#commit(tokens, key, generation, 'refresh');
      });
    } catch (error) {
      // Anything not already classified is a bug, not a network blip: reported, not retried on a timer.
      const failure = toTokenwardError(error, 'internal');
      this.#onRefreshFailed(failure, generation, sent);
      throw failure;
    } finally {
      this.#state.update({ refreshing: false });
    }
  }

  #refreshInBackground(): void {
    // Failures are already reported as events and state; nothing may escape as an unhandled rejection.
    this.#refresh().catch(() => undefined);
  }

  #onRefreshFailed(error: TokenwardError, generation: number, sent: TokenSet): void {
    if (generation !== this.#generation || this.#disposed || error.code === 'unauthenticated' || error.code === 'disposed') return;
    const { code } = error;
    const now = Date.now();
    if (code === 'refresh_rejected') return void this.#end(now >= sent.expiresAt ? 'expired' : 'refresh-rejected');
    this.#events.emit('error', { error });
    if (this.#failures === 0) this.#failingSince = now;
    // An answer that is not a token response, again and again: bounded retries, then the session ends.
    if (givesUp(code, this.#failures + 1, now - this.#failingSince, this.#options.backoff)) return void this.#end('refresh-failed');
    this.#retryAt = now + backoffDelay(this.#failures++, this.#options.backoff, error.retryAfter);
    if (code !== 'internal') this.#scheduler.at(this.#retryAt);
    this.#state.update({ error, expired: now >= sent.expiresAt });
    if (now >= sent.expiresAt && this.#expiredNotified !== sent.expiresAt) {
      this.#expiredNotified = sent.expiresAt;
      this.#events.emit('expired', { expiresAt: sent.expiresAt });
    }
  }

  #corrupted(error: unknown): void {
    this.#events.emit('storage-corrupted', { error: toTokenwardError(error, 'storage_corrupted') });
    // The state changes at once; the server call and wipe go on without holding up the caller.
    void this.#end('storage-corrupted');
  }

  /** The one way tokens enter the session: dropped unless their generation is still current once persisted. */
  async #commit(received: TokenSet, key: DpopKey | null, generation: number, event: TokenEvent): Promise<void> {
    // Sealed with the tokens: a reader knows they are bound, and to which key.
    const tokens = key ? { ...received, extra: { ...received.extra, jkt: key.prover.thumbprint } } : received;
    // (Unusable storage never rejects here: the vault falls back to memory and reports it.)
    const saved = generation === this.#generation && (await this.#vault.save({ generation, tokens, dpopKey: key?.pair }));
    if (!saved || generation !== this.#generation || this.#disposed) {
      // Refused by the vault: another tab moved on (logged out or in); follow it.
      if (!saved) void this.#resync();
      throw noSession();
    }
    this.#key = key;
    this.#adopt(tokens, event, 'this-tab');
    void this.#channel?.post({ type: event === 'login' ? 'login' : 'tokens', generation });
  }

  #adopt(tokens: TokenSet, event: TokenEvent | null, source: ChangeSource): void {
    const dueAt = refreshDueAt(tokens, this.#options.refreshLeeway);
    this.#tokens = tokens;
    this.#version++;
    this.#freshUntil = dueAt;
    this.#failures = 0;
    this.#retryAt = 0;
    this.#scheduler.at(dueAt);
    this.#state.update({ status: 'authenticated', expiresAt: tokens.expiresAt, claims: tokens.claims, error: null, expired: false });
    if (event) this.#events.emit(event, { claims: tokens.claims, expiresAt: tokens.expiresAt, source });
  }

  #onMessage(message: Envelope): void {
    if (this.#disposed) return;
    if (message.generation < this.#generation) return;
    if (message.type === 'logout') {
      // The telling tab may be closing, or may have fallen back to memory: make sure the logout is on record.
      void this.#vault.save({ generation: message.generation, tokens: null });
      // "Another tab's user logged out" is news; expired, rejected, idle or corrupted is the same verdict here.
      void this.#endFromOtherTab(message.generation, message.reason === 'user' ? 'other-tab' : message.reason);
    } else {
      void this.#resync();
    }
  }

  async #recover(sentVersion: number): Promise<boolean> {
    if (!this.#tokens) return false;
    // Someone refreshed (or logged in) after the request left: retry with that.
    if (sentVersion !== this.#version) return true;
    return this.#refresh().then(
      () => true,
      () => false,
    );
  }

  /** Ends the session in this tab at once: from here on nothing hands out the old token. Says whether there was one. */
  #endLocally(generation: number): boolean {
    const wasSignedIn = this.#state.get().status === 'authenticated';
    this.#generation = generation;
    this.#tokens = null;
    this.#key = null;
    this.#version++;
    this.#freshUntil = 0;
    this.#failures = 0;
    this.#retryAt = 0;
    this.#scheduler.at(null);
    this.#state.update({ status: 'unauthenticated', expiresAt: null, claims: null, refreshing: false, error: null, expired: false });
    return wasSignedIn;
  }

  /** A logout that starts in this tab: here at once, then every tab, the server and storage; `logout` is emitted once this tab is clean. */
  async #end(reason: LogoutReason): Promise<void> {
    const generation = this.#generation + 1;
    const held = this.#tokens;
    const key = this.#key;
    const wasSignedIn = this.#endLocally(generation);
    // Sent to the server for revocation: this session's newest credentials (another tab may have
    // refreshed a moment ago), read before the vault is cleared.
    const tokens = this.#vault.load().then(
      (stored) => (stored && stored.generation < generation && stored.tokens) || held,
      () => held,
    );
    // The other tabs hear of it first: neither the server call nor this tab's cleanup delays them.
    const told = Promise.resolve(this.#channel?.post({ type: 'logout', generation, reason }));
    // The marker says the server logout is owed until the server answered it.
    const storage = told
      .then(() => this.#vault.clear(generation, true))
      .then(
        // A later generation was stored already (by another tab, or in a corrupted record): continue from it.
        (ended) => void (this.#generation = Math.max(this.#generation, ended)),
        (error: unknown) => this.#report(toTokenwardError(error, 'storage_unavailable')),
      );
    this.#logoutAtServer(generation, tokens, key, told, storage);
    await told;
    await Promise.all([storage, this.#purge(this.#options.purge)]);
    if (wasSignedIn && !this.#disposed) this.#events.emit('logout', { reason });
  }

  /**
   * The server logout call, once `after` settled (keepalive: it outlives the page). Its failure
   * or slowness never holds up the local logout; once answered (a 4xx is an answer too: asking
   * again would get the same one), and once `cleared` has written the marker, the marker owes
   * nothing any more. Only an outage (network, timeout, 5xx) leaves it owed. It never signs anyone in.
   */
  #logoutAtServer(
    generation: number,
    tokens: Promise<TokenSet | null> | null,
    key: DpopKey | null,
    after?: Promise<unknown>,
    cleared?: Promise<unknown>,
  ): void {
    const call: Promise<void> = (this.#serverLogout = Promise.resolve(after)
      .then(async () => {
        const answered = this.#flow.logout(await tokens, key);
        // The call has its CSRF header; the server ends that token with the session.
        this.#csrf.forget();
        return answered;
      })
      .catch((error: unknown) => {
        const failure = toTokenwardError(error);
        this.#report(new TokenwardError('logout_failed', `the server logout failed: ${failure.message}`, { cause: error, status: failure.status }));
        if (failure.code !== 'logout_failed') throw failure;
      })
      .then(() => cleared)
      .then(() => this.#vault.settle(generation))
      .catch(() => undefined)
      .finally(() => {
        if (this.#serverLogout === call) this.#serverLogout = undefined;
      }));
  }

  /**
   * A logout another tab started (or the vault shows): end here and clear this tab's own
   * sessionStorage; the server call, the vault and the storage the origin shares are the other
   * tab's, and doing them again in every tab would only slow every tab down. A tab that was not
   * signed in (a page load after a logout) only takes note: purging there would wipe the app's
   * data on every signed-out reload.
   */
  async #endFromOtherTab(generation: number, reason: LogoutReason): Promise<void> {
    // A CSRF token a response carried ended with the session at the server: the next login must not send it.
    this.#csrf.forget();
    if (!this.#endLocally(generation)) return;
    await this.#purge(perTabPurge(this.#options.purge));
    if (!this.#disposed) this.#events.emit('logout', { reason });
  }

  /** Clears what the app stored. The vault clears itself and keeps its signed-out marker; the CSRF cookie may still be needed by a logout call in flight. */
  async #purge(purge: PurgeOptions | undefined): Promise<void> {
    const { name, csrf } = this.#options;
    const { failed } = await purgeClientStorage(purge, [vaultDatabaseName(name)], csrf ? [csrf.cookie] : []);
    for (const { step, error } of failed) {
      this.#report(new TokenwardError('purge_failed', `could not clear ${step}: ${error.message}`, { cause: error }));
    }
  }

  #report(error: TokenwardError): void {
    this.#events.emit('error', { error });
  }

  #assertAlive(): void {
    if (this.#disposed) throw new TokenwardError('disposed', 'disposed');
  }
}
