import type { TokenSet } from '../tokens.js';

/**
 * What survives a reload. `generation` counts session boundaries (every login and logout
 * starts a new one), so a write from a session that has since ended can be recognised and
 * refused. `tokens` is null once the session ended: that record is the "signed out" marker.
 */
export interface StoredSession {
  readonly generation: number;
  readonly tokens: TokenSet | null;
  /**
   * The DPoP key pair the tokens are bound to (sessions with DPoP only): stored and deleted with
   * them, so every tab signs with the same key. Read back as stored: the DPoP layer checks it
   * (`isDpopKey`) before signing with it.
   */
  readonly dpopKey?: unknown;
  /** On the signed-out marker: the server has not answered this generation's logout call yet. */
  readonly owed?: boolean | undefined;
}

/**
 * The only place the session is persisted. Implementations: the encrypted IndexedDB vault
 * and the in-memory vault (same interface, nothing survives a reload).
 */
export interface Vault {
  /** The stored session, or null when nothing is stored. Rejects with a `storage_corrupted` TokenwardError when what is stored cannot be trusted. */
  load(): Promise<StoredSession | null>;
  /**
   * Stores tokens for a generation. Resolves false, writing nothing, when a newer generation
   * is already stored (another tab logged out or in meanwhile), or this one ended already (a
   * logout claimed it): the caller must drop its tokens.
   * With `tokens: null` it makes sure a logout heard from another tab is on record: it writes
   * the signed-out marker (server logout owed, as far as this tab knows) unless the vault
   * already holds this generation or a later one.
   */
  save(session: StoredSession): Promise<boolean>;
  /**
   * Ends `generation`: removes the tokens (and the key, for an encrypted vault) and leaves only
   * the signed-out marker, saying whether the server logout is `owed`. Resolves with the
   * marker's generation, which is higher than asked when the store already held a later one:
   * the session must move on from there.
   */
  clear(generation: number, owed?: boolean): Promise<number>;
  /** The server answered the logout of `generation`: its marker, if still there, owes nothing any more. */
  settle(generation: number): Promise<void>;
}

/**
 * Whether a vault that holds generation `stored` (a signed-out marker if `marker`) refuses to save
 * `session`: it ended already (a later generation is stored), or its generation is on record as
 * ended or is being ended. A generation that ended is never a session's: a login and a logout
 * that claimed the same one (two tabs, one ms) end signed out.
 */
export function refuses(stored: number, { generation, tokens }: StoredSession, marker: boolean): boolean {
  return stored > generation || (stored === generation && (marker || !tokens));
}

/**
 * The generation after `known`: never below the clock (ms), so that it is later than any made
 * before, even by a tab that never learnt of it. A wipe of the origin's storage takes the stored
 * generation with it: a tab opened afterwards starts from 0, yet the older tabs must still take
 * its login for news. (Counting on from `known` keeps it growing should the clock go back.)
 */
export function nextGeneration(known: number): number {
  return Math.max(known + 1, Date.now());
}
