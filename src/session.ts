import ky from 'ky';
import type { DpopKey } from './contract/dpop.js';
import type { Flow } from './contract/flow.js';
import type { SessionOptions } from './contract/options.js';
import type { SessionLink } from './contract/part.js';
import type { LoginCredentials, LogoutOptions, Session } from './contract/session.js';
import { noSession, TokenwardError, toTokenwardError } from './errors.js';
import { createEmitter, type ChangeSource, type LogoutReason, type SessionEvents } from './events.js';
import { createAuthApi } from './flows/first-party.js';
import { csrfSource } from './http/csrf.js';
import { bearer, createAuthFetch } from './http/fetch.js';
import { createOriginPolicy } from './http/origins.js';
import { resolveOptions } from './options.js';
import { createCrossTabLock } from './refresh/lock.js';
import { createScheduler } from './refresh/scheduler.js';
import { refreshDueAt } from './refresh/timing.js';
import { onWake } from './refresh/wake.js';
import { createStore, INITIAL_STATE, type SessionState } from './state.js';
import { openVault } from './storage/open.js';
import { nextGeneration } from './storage/vault.js';
import { openSyncChannel } from './sync/channel.js';
import { parseTokenResponse, type TokenResponse, type TokenSet } from './tokens.js';
import { createServerLogout, perTabPurge, purgeApp, type ServerLogoutHost } from './logout/server.js';
import { createRefreshRun, type RefreshHost } from './refresh/run.js';
import { onMessage, resync as resyncWith, type AdoptionHost } from './sync/adopt.js';

type TokenEvent = 'login' | 'refresh';

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
 *
 * The engine keeps the public API, the generation and the order of steps; each concern lives in its own folder: the default flow (flows/first-party.ts),
 * the refresh run and its failure policy (refresh/run.ts), cross-tab adoption and recovery (sync/adopt.ts), logout at the server with the owed retry (logout/server.ts).
 */
export function createSession<Login = LoginCredentials>(given: SessionOptions<Login> = {}): Session<Login> {
  const options = resolveOptions(given);
  const state = createStore<SessionState>(INITIAL_STATE);
  const events = createEmitter<SessionEvents>();
  const report = (error: TokenwardError): void => events.emit('error', { error });
  /** The CSRF token source the auth calls and `fetch` share (cookie, else the latest response header). */
  const csrf = csrfSource(options.csrf);
  /** With `dpop`: makes, restores and signs with the keys tokens are bound to. */
  const dpop = options.dpop?.createBinding() ?? null;
  const context = { ...options, dpop };
  const flow: Flow<unknown> = options.flow?.createFlow(context) ?? createAuthApi(context, csrf);
  const vault = openVault(options.storage, options.name, report, options.timeout);
  /** Aborted by dispose(): cancels requests in flight and lock requests (which releases a held lock), and stops the listeners. */
  const lifetime = new AbortController();
  const scheduler = createScheduler({ onDue: () => void refresh().catch(() => undefined) });

  let tokens: TokenSet | null = null;
  /** The DPoP key `tokens` are bound to; null without DPoP (or for tokens given to setTokens). */
  let key: DpopKey | null = null;
  /** Orders session boundaries (login, logout; see nextGeneration); work started in an older generation is dropped. */
  let generation = 0;
  /** Counts credential changes, so a 401 can tell whether someone already refreshed since it was sent. */
  let version = 0;
  /** Until then, getAccessToken() answers from memory: the hot path reads nothing else. */
  let freshUntil = 0;
  let disposed = false;
  /** What getAccessToken() waits for unless it answers from memory: the restore, then each wake-up's vault re-read. */
  let woke: Promise<void>;

  /** What the engine's parts get of it: one object, each part typed to what it needs. */
  const engine: AdoptionHost & RefreshHost & ServerLogoutHost = {
    flow,
    vault,
    csrf,
    dpop,
    state,
    scheduler,
    // The bound leaves a holder room for one refresh call (its own timeout) plus vault I/O.
    lock: createCrossTabLock(options.name, options.timeout * 2, lifetime.signal),
    backoff: options.backoff,
    emit: events.emit,
    report,
    generation: () => generation,
    tokens: () => tokens,
    key: () => key,
    version: () => version,
    disposed: () => disposed,
    ready: () => woke,
    assertAlive,
    resync,
    commit,
    take(stored, taken, takenKey, event) {
      key = takenKey;
      generation = stored;
      if (Date.now() < taken.expiresAt && !taken.sent) {
        adopt(taken, event, 'other-tab');
      } else {
        // Stored but expired, or a refresh left with it (the journal): refresh as soon as possible.
        tokens = taken;
        freshUntil = 0;
        scheduler.at(Date.now());
      }
    },
    corrupted,
    // The retry waits for a login on its way (the lock), and is not sent if it put its session in the vault.
    owed: (owedGeneration) => void (serverLogout.pending() ?? serverLogout.call(owedGeneration, null, null)),
    endLocally,
    end,
    purgeTab: () => purgeApp(perTabPurge(options.purge), options, report),
  };
  const serverLogout = createServerLogout(engine);
  const policy = createRefreshRun(engine);
  const refresh = policy.run;
  // Into the back/forward cache: no answer from memory until the page has caught up (onWake below).
  const channel = openSyncChannel(options.name, lifetime.signal, onMessage.bind(null, engine), () => (freshUntil = 0));

  // Tokens bound to no key (no DPoP, or handed to setTokens()) go as bearer tokens.
  const send = (request: Request, token: string): Promise<Response> => (key && dpop ? dpop.send(request, token, key) : bearer(request, token));
  const authFetch = createAuthFetch({
    mode: options.mode,
    csrf,
    isTrusted: createOriginPolicy(options),
    accessToken: getAccessToken,
    credentialVersion: () => version,
    recover: policy.recover,
    send,
  });
  const session: Session<unknown> = {
    ready: (woke = restore()),
    fetch: authFetch,
    // ky would retry our own verdicts (redirect_refused, disposed...); a request that got no answer it may retry.
    http: ky.create({
      fetch: authFetch,
      retry: { shouldRetry: ({ error }) => (error instanceof TokenwardError && error.code !== 'network' ? false : undefined) },
    }),
    // Every method works taken off the object: `const { login, http } = useSessionClient()`.
    getState: state.get,
    subscribe: state.subscribe,
    on: events.on,
    login,
    setTokens,
    getAccessToken,
    async refresh() {
      assertAlive();
      await session.ready;
      if (!tokens) throw noSession();
      await refresh();
    },
    logout,
    dispose,
  };
  // A tab that slept, was frozen or came back from the bfcache may have missed messages: it catches up before it answers.
  onWake(() => void (woke = woke.then(() => resync()).then(() => scheduler.check())), lifetime.signal);
  // The opt-in parts: the session check (server-side invalidation) and the idle timeout.
  const link: SessionLink = {
    session,
    options,
    lifetime: lifetime.signal,
    live: () => (tokens ? generation : 0),
    end,
    send,
    emit: events.emit,
    answered: csrf.remember,
  };
  options.sessionCheck?.start(link);
  options.idleTimeout?.start(link);
  return session;

  async function login(input: unknown): Promise<void> {
    assertAlive();
    await session.ready;
    // A logout response that landed after this login's would clear the cookies the login just set.
    await serverLogout.pending();
    // A new key for every login: nothing bound to an earlier session works with this one.
    const newKey = (await dpop?.create()) ?? null;
    // Under the cross-tab lock until the session is in the vault: an owed-logout retry (any tab's)
    // waits, then finds nothing owed; two tabs' logins take generations one after the other.
    await engine.lock.run(async (signal) => {
      await resync();
      // The generation moves only once the server said yes: a failed login leaves the tab in step
      // with the vault and the other tabs. A logout (here or elsewhere) meanwhile wins.
      const before = generation;
      const received = await flow.login(input, signal, newKey);
      if (!received) return; // The sign-in goes on elsewhere and comes back through the flow's callback.
      try {
        if (before === generation) return await commit(received, newKey, (generation = nextGeneration(generation)), 'login');
      } catch {
        // Refused: a logout in another tab ended this generation first.
        await resync();
      }
      // A logout overtook it: the session the server opened for it must end too, unless a login came since.
      if (!tokens && !disposed) serverLogout.call(generation, Promise.resolve(received), newKey);
      throw noSession();
    });
  }

  async function setTokens(response: TokenResponse): Promise<void> {
    assertAlive();
    await session.ready;
    await commit(parseTokenResponse(response, options.mode, { receivedAt: Date.now() }), null, (generation = nextGeneration(generation)), 'login');
  }

  function getAccessToken(): Promise<string | null> {
    const held = tokens;
    if (held !== null && Date.now() < freshUntil) return Promise.resolve(held.accessToken);
    return policy.accessToken();
  }

  async function logout(logoutOptions?: LogoutOptions): Promise<void> {
    assertAlive();
    const held = tokens;
    await endSession('user');
    if (!logoutOptions?.redirect || !held || !flow.endSession) return;
    // The provider's own logout comes after ours reached it (revocation): leaving the page first could cut it off.
    await serverLogout.pending();
    await flow.endSession(held).catch((error: unknown) => report(toTokenwardError(error, 'logout_failed')));
  }

  function dispose(): void {
    if (disposed) return;
    disposed = true;
    // The fast path of getAccessToken() must reject too.
    freshUntil = 0;
    lifetime.abort();
    scheduler.dispose();
    events.clear();
  }

  async function restore(): Promise<void> {
    // Start on a later microtask, so that handlers attached right after createSession() hear everything.
    await Promise.resolve();
    await resync(false);
    await completeSignIn();
    const restored = tokens;
    if (restored && state.get().status === 'loading') {
      // Stored but expired while the app was closed: one refresh before `ready`.
      await refresh().catch(() => undefined);
      // A transient failure keeps the session (with `error` set): the server has not said it is over.
      if (tokens === restored) state.update({ status: 'authenticated', expiresAt: restored.expiresAt, claims: restored.claims });
    }
    if (state.get().status === 'loading') state.update({ status: 'unauthenticated' });
  }

  /** Finishes a sign-in that came back to this page through the flow (a redirect callback), if this page load is one. */
  async function completeSignIn(): Promise<void> {
    try {
      const signIn = await flow.callback?.();
      if (signIn) await commit(signIn.tokens, signIn.key, (generation = nextGeneration(generation)), 'login');
    } catch (error) {
      report(toTokenwardError(error, 'login_failed'));
    }
  }

  function corrupted(error: unknown): void {
    events.emit('storage-corrupted', { error: toTokenwardError(error, 'storage_corrupted') });
    // The state changes at once; the server call and wipe go on without holding up the caller.
    end('storage-corrupted');
  }

  /** The one way tokens enter the session: dropped unless their generation is still current once persisted. */
  async function commit(received: TokenSet, boundTo: DpopKey | null, at: number, event: TokenEvent): Promise<void> {
    // Sealed with the tokens: a reader knows they are bound, and to which key.
    const sealed = boundTo ? { ...received, extra: { ...received.extra, jkt: boundTo.prover.thumbprint } } : received;
    // (Unusable storage never rejects here: the vault falls back to memory and reports it.)
    const saved = at === generation && (await vault.save({ generation: at, tokens: sealed, dpopKey: boundTo?.pair }));
    if (!saved || at !== generation || disposed) {
      // Refused by the vault: another tab moved on (logged out or in); follow it.
      if (!saved) void resync();
      throw noSession();
    }
    key = boundTo;
    adopt(sealed, event, 'this-tab');
    void channel?.post({ type: event === 'login' ? 'login' : 'tokens', generation: at });
  }

  function adopt(adopted: TokenSet, event: TokenEvent | null, source: ChangeSource): void {
    const dueAt = refreshDueAt(adopted, options.refreshLeeway);
    tokens = adopted;
    version++;
    freshUntil = dueAt;
    policy.reset();
    scheduler.at(dueAt);
    state.update({ status: 'authenticated', expiresAt: adopted.expiresAt, claims: adopted.claims, error: null, expired: false });
    if (event) events.emit(event, { claims: adopted.claims, expiresAt: adopted.expiresAt, source });
  }

  /** Ends the session in this tab at once: from here on nothing hands out the old token. Says whether there was one. */
  function endLocally(ended: number): boolean {
    const wasSignedIn = state.get().status === 'authenticated';
    generation = ended;
    tokens = null;
    key = null;
    version++;
    freshUntil = 0;
    policy.reset();
    scheduler.at(null);
    state.update({ ...INITIAL_STATE, status: 'unauthenticated' });
    return wasSignedIn;
  }

  function resync(announce?: boolean): Promise<void> {
    return resyncWith(engine, announce);
  }

  function end(reason: LogoutReason): void {
    void endSession(reason);
  }

  /** A logout that starts in this tab: here at once, then every tab, the server and storage; `logout` is emitted once this tab is clean. */
  async function endSession(reason: LogoutReason): Promise<void> {
    const ended = nextGeneration(generation);
    const held = tokens;
    const heldKey = key;
    const wasSignedIn = endLocally(ended);
    // Sent to the server for revocation: this session's newest credentials (another tab may have refreshed a moment ago), read before the vault is cleared.
    const revoked = vault.load().then(
      (stored) => (stored && stored.generation < ended && stored.tokens) || held,
      () => held,
    );
    // The other tabs hear of it first: neither the server call nor this tab's cleanup delays them.
    const told = Promise.resolve(channel?.post({ type: 'logout', generation: ended, reason }));
    // The marker says the server logout is owed until the server answered it with a 2xx.
    const storage = told
      .then(() => vault.clear(ended, true))
      .then(
        // A later generation was stored already (by another tab, or in a corrupted record): continue from it.
        (marker) => void (generation = Math.max(generation, marker)),
        (error: unknown) => report(toTokenwardError(error, 'storage_unavailable')),
      );
    serverLogout.call(ended, revoked, heldKey, told, storage);
    await told;
    await Promise.all([storage, purgeApp(options.purge, options, report)]);
    if (wasSignedIn && !disposed) events.emit('logout', { reason });
  }

  function assertAlive(): void {
    if (disposed) throw new TokenwardError('disposed', 'disposed');
  }
}
