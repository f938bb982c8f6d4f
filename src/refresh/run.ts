import type { DpopKey } from '../contract/dpop.js';
import type { Flow } from '../contract/flow.js';
import { noSession, toTokenwardError, type TokenwardError } from '../errors.js';
import type { Emitter, LogoutReason, SessionEvents } from '../events.js';
import type { SessionState, Store } from '../state.js';
import type { Vault } from '../storage/vault.js';
import type { TokenSet } from '../tokens.js';
import { backoffDelay, givesUp, type BackoffOptions } from './backoff.js';
import type { RefreshLock } from './lock.js';
import type { Scheduler } from './scheduler.js';
import { singleFlight } from './single-flight.js';

/** What the refresh run needs of the session engine. */
export interface RefreshHost {
  readonly flow: Flow<unknown>;
  readonly lock: RefreshLock;
  readonly state: Store<SessionState>;
  readonly backoff: BackoffOptions;
  readonly emit: Emitter<SessionEvents>['emit'];
  /** Where the refresh journal goes before a refresh leaves. */
  readonly vault: Vault;
  /** The session's generation now: a failure of an older one is nobody's business. */
  generation(): number;
  tokens(): TokenSet | null;
  key(): DpopKey | null;
  disposed(): boolean;
  /** Brings this tab in line with the vault (another tab may have refreshed or ended the session). */
  resync(): Promise<void>;
  /** Lets the tokens into the session if `generation` is still current; rejects otherwise. */
  commit(tokens: TokenSet, key: DpopKey | null, generation: number, event: 'refresh'): Promise<void>;
  /** Ends the session in every tab. */
  end(reason: LogoutReason): void;
  /** Throws `disposed` once the session is disposed. */
  assertAlive(): void;
  /** Resolves once the session is ready (the stored session read, restored or not) and caught up after its latest wake-up. */
  ready(): Promise<void>;
  /** Counts credential changes: a 401 to a request sent with older credentials needs no refresh to retry. */
  version(): number;
  /** The background refresh, armed for when the tokens are due or a failure may be retried. */
  readonly scheduler: Scheduler;
}

export interface RefreshRun {
  /** Refreshes now, joining a refresh already in flight; rejects with a classified TokenwardError. */
  readonly run: () => Promise<void>;
  /** getAccessToken() once the token held is due or gone: the slow path, with a refresh if needed. */
  readonly accessToken: () => Promise<string | null>;
  /** After a 401 to a request sent with `sentVersion` of the credentials: whether it is worth retrying. */
  readonly recover: (sentVersion: number) => Promise<boolean>;
  /** Forgets the failures: after a success, or at a session boundary. */
  readonly reset: () => void;
}

/**
 * The refresh run (under the cross-tab lock, from the newest credentials the vault holds) and its
 * failure policy: a refused refresh ends the session, a status no retry changes ends it after a few
 * tries, an answer that is not a token response after a bounded run (givesUp), anything else is
 * retried with backoff while the session is kept.
 */
export function createRefreshRun(host: RefreshHost): RefreshRun {
  let failures = 0;
  /** When the current run of failed refreshes (`failures`) began. */
  let failingSince = 0;
  let retryAt = 0;
  let expiredNotified: number | null = null;

  async function run(): Promise<void> {
    const started = host.generation();
    const sent = host.tokens();
    if (!sent) throw noSession();
    host.state.update({ refreshing: true });
    try {
      await host.lock.run(async (signal) => {
        // Another tab may have refreshed, or ended the session, while we waited for the lock.
        await host.resync();
        const current = host.tokens();
        if (started !== host.generation() || !current) throw noSession();
        if (current !== sent && Date.now() < current.expiresAt) return;
        const boundTo = host.key();
        // The journal: should this page be gone before the answer lands, the next one knows the
        // server may have rotated already and replays at once, within its grace window (take()).
        await host.vault.save({ generation: started, tokens: { ...current, sent: Date.now() } });
        // Present only the newest refresh credential: a server that rotates strictly revokes on reuse.
        const renewed = await host.flow.refresh(current, signal, boundTo);
        // Written to the vault before the lock is released, so the next holder sees it.
        await host.commit(renewed, boundTo, started, 'refresh');
      });
    } catch (error) {
      // Anything not already classified is a bug, not a network blip: reported, not retried on a timer.
      const failure = toTokenwardError(error, 'internal');
      failed(failure, started, sent);
      throw failure;
    } finally {
      host.state.update({ refreshing: false });
    }
  }

  function failed(error: TokenwardError, started: number, sent: TokenSet): void {
    const { code } = error;
    if (started !== host.generation() || host.disposed() || code === 'unauthenticated' || code === 'disposed') return;
    const now = Date.now();
    if (code === 'refresh_rejected') return host.end(now >= sent.expiresAt ? 'expired' : 'refresh-rejected');
    host.emit('error', { error });
    if (failures === 0) failingSince = now;
    // A status no retry changes, or an answer that is not a token response again and again: bounded retries, then the session ends.
    if (givesUp(code, failures + 1, now - failingSince, host.backoff)) return host.end('refresh-failed');
    retryAt = now + backoffDelay(failures++, host.backoff, error.retryAfter);
    if (code !== 'internal') host.scheduler.at(retryAt);
    host.state.update({ error, expired: now >= sent.expiresAt });
    if (now >= sent.expiresAt && expiredNotified !== sent.expiresAt) {
      expiredNotified = sent.expiresAt;
      host.emit('expired', { expiresAt: sent.expiresAt });
    }
  }

  const refresh = singleFlight(run);
  return {
    run: refresh,
    async accessToken() {
      host.assertAlive();
      await host.ready();
      host.assertAlive();
      const held = host.tokens();
      if (!held) return null;
      if (Date.now() < held.expiresAt) {
        // Still valid but due: hand it out and let the refresh run behind it.
        host.scheduler.check();
        return held.accessToken;
      }
      const { error } = host.state.get();
      // Backing off after a failure: answer now rather than hammer the server or hang.
      if (error && Date.now() < retryAt) throw error;
      try {
        await refresh();
      } catch (failure) {
        if (!host.tokens()) return null;
        throw failure;
      }
      return host.tokens()?.accessToken ?? null;
    },
    async recover(sentVersion) {
      if (!host.tokens()) return false;
      // Someone refreshed (or logged in) after the request left: retry with that.
      if (sentVersion !== host.version()) return true;
      return refresh().then(
        () => true,
        () => false,
      );
    },
    reset() {
      failures = 0;
      retryAt = 0;
    },
  };
}
