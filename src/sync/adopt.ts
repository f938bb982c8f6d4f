import type { DpopBinding, DpopKey } from '../contract/dpop.js';
import { TokenwardError } from '../errors.js';
import type { Emitter, LogoutReason, SessionEvents } from '../events.js';
import type { CsrfSource } from '../http/csrf.js';
import type { StoredSession, Vault } from '../storage/vault.js';
import type { TokenSet } from '../tokens.js';
import type { Envelope } from './channel.js';

/** What cross-tab adoption and recovery need of the session engine. */
export interface AdoptionHost {
  readonly vault: Vault;
  readonly csrf: CsrfSource;
  readonly dpop: DpopBinding | null;
  generation(): number;
  tokens(): TokenSet | null;
  key(): DpopKey | null;
  disposed(): boolean;
  /** Takes over the session the vault holds at `generation` (announced as `event`, or silently). */
  take(generation: number, tokens: TokenSet, key: DpopKey | null, event: 'login' | 'refresh' | null): void;
  /** The stored session could not be read or validated: wipe it and end with reason `storage-corrupted`. */
  corrupted(error: unknown): void;
  /** The vault says a server logout of `generation` is still owed: try it again if nothing stands against it. */
  owed(generation: number): void;
  /** Ends the session in this tab at once, at `generation`; says whether it was signed in. */
  endLocally(generation: number): boolean;
  /** Clears what this tab alone can clear (its sessionStorage), reporting failures. */
  purgeTab(): Promise<void>;
  readonly emit: Emitter<SessionEvents>['emit'];
}

/**
 * Brings this tab in line with the vault, which every tab writes under the refresh lock:
 * adopts a login or refresh from another tab, or ends here when another tab ended the
 * session. Used on start-up, on messages, on wake-up and under the lock before refreshing.
 * `announce: false` (on start-up) adopts without `login`/`refresh` events.
 */
export async function resync(host: AdoptionHost, announce = true): Promise<void> {
  const started = host.generation();
  let stored: StoredSession | null;
  try {
    stored = await host.vault.load();
  } catch (error) {
    return host.corrupted(error);
  }
  const known = host.tokens();
  // Anything that happened during the read (a logout, a login) owns the state now.
  if (started !== host.generation() || host.disposed()) return;
  // Nothing stored while this tab holds a session: the origin's storage was wiped (Clear-Site-Data
  // on a logout this tab did not hear of, or the user). Only the server knows whether the session
  // lives: the tokens count as expired, so the next use refreshes first (and ends it if refused).
  if (!stored) return void (known && host.take(started, { ...known, expiresAt: 0 }, host.key(), null));
  if (stored.generation < started) return;
  // A logout whose server call failed or never went out (page closed, offline): try again,
  // on every page load and wake-up (`online` among them) until the server answers.
  if (stored.owed) host.owed(stored.generation);
  const newer = stored.generation > started;
  const found = stored.tokens;
  if (!found) {
    if (newer) await endedElsewhere(host, stored.generation, 'other-tab');
    return;
  }
  if (!newer && known && found.issuedAt <= known.issuedAt) return;
  // The key comes with the generation: another tab's session may be bound to another key, or to
  // none (setTokens). Tokens bound to a DPoP key need that very key: without it they cannot work, not even half.
  const jkt = found.extra?.jkt;
  let boundTo = host.key();
  if (newer || (jkt && !boundTo)) {
    boundTo = (jkt ? await host.dpop?.load(stored.dpopKey, jkt) : null) ?? null;
    if (started !== host.generation() || host.disposed()) return;
    if (jkt && !boundTo) return host.corrupted(new TokenwardError('storage_corrupted', 'no DPoP key'));
  }
  // Another tab's login: the server bound a new CSRF token to that session.
  if (newer) host.csrf.forget();
  host.take(stored.generation, found, boundTo, announce ? (newer || !known ? 'login' : 'refresh') : null);
}

/** A message from another tab: a logout ends this tab too; anything else is news to read from the vault. */
export function onMessage(host: AdoptionHost, message: Envelope): void {
  if (host.disposed() || message.generation < host.generation()) return;
  if (message.type === 'logout') {
    // The telling tab may be closing, or may have fallen back to memory: make sure the logout is on record.
    void host.vault.save({ generation: message.generation, tokens: null });
    // "Another tab's user logged out" is news; expired, rejected, idle or corrupted is the same verdict here.
    void endedElsewhere(host, message.generation, message.reason === 'user' ? 'other-tab' : message.reason);
  } else {
    void resync(host);
  }
}

/**
 * A logout another tab started (or the vault shows): end here and clear this tab's own
 * sessionStorage; the server call, the vault and the storage the origin shares are the other
 * tab's, and doing them again in every tab would only slow every tab down. A tab that was not
 * signed in (a page load after a logout) only takes note: purging there would wipe the app's
 * data on every signed-out reload.
 */
async function endedElsewhere(host: AdoptionHost, ended: number, reason: LogoutReason): Promise<void> {
  // A CSRF token a response carried ended with the session at the server: the next login must not send it.
  host.csrf.forget();
  if (!host.endLocally(ended)) return;
  await host.purgeTab();
  if (!host.disposed()) host.emit('logout', { reason });
}
