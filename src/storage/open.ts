import { bounded } from '../bounded.js';
import { TokenwardError } from '../errors.js';
import type { StorageKind } from '../contract/options.js';
import { createEncryptedVault } from './encrypted.js';
import { createMemoryVault } from './memory.js';
import type { Vault } from './vault.js';

/**
 * The vault for a session. `onUnavailable` is called (at most once) when encrypted storage
 * cannot be used and the session falls back to memory; never to plaintext. Outside a browser
 * (Node, SSR) there is nothing to persist to, and memory is used without a word. An IndexedDB
 * call that has not settled after `limit` ms (a database stuck behind a deletion that another
 * connection blocks) counts as unusable storage, so nothing waits on IndexedDB for longer.
 */
export function openVault(kind: StorageKind, name: string, onUnavailable: (error: TokenwardError) => void, limit = 10_000): Vault {
  if (kind === 'memory' || typeof window === 'undefined') return createMemoryVault();
  // No checks up front: a missing `indexedDB`, a missing `crypto.subtle` (an insecure context),
  // a SecurityError in a private mode or a quota error all surface as the first call failing.
  return withMemoryFallback(createEncryptedVault(name), onUnavailable, limit);
}

function isCorruption(error: unknown): boolean {
  return error instanceof TokenwardError && error.code === 'storage_corrupted';
}

/**
 * Uses `primary` until one of its calls fails for any reason other than corrupted contents
 * (SecurityError in a private mode, a quota error, a database that will not open), then
 * switches to memory for good and repeats that call there. Corruption is passed on: the
 * session wipes the vault and starts clean, which is not the same as storage being unusable.
 */
function withMemoryFallback(primary: Vault, onUnavailable: (error: TokenwardError) => void, limit: number): Vault {
  let active = primary;

  function fallBack(error: unknown): Vault {
    if (active === primary) {
      active = createMemoryVault();
      // Best effort: a session written before the failure must not outlive a logout that can no
      // longer reach this store. If the store is wholly unusable, this fails too and that is fine.
      primary.clear(0).catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      onUnavailable(new TokenwardError('storage_unavailable', `memory only: ${reason}`, { cause: error }));
    }
    return active;
  }

  async function run<T>(call: (vault: Vault) => Promise<T>): Promise<T> {
    const vault = active;
    try {
      return await (vault === primary
        ? bounded(call(vault), AbortSignal.timeout(limit), () => new TokenwardError('timeout', 'IndexedDB timed out'))
        : call(vault));
    } catch (error) {
      if (vault !== primary || isCorruption(error)) throw error;
      return call(fallBack(error));
    }
  }

  return {
    load: () => run((vault) => vault.load()),
    save: (session) => run((vault) => vault.save(session)),
    clear(generation, owed) {
      // In memory for good, but the store may work again (or work for another tab): a session
      // persisted there must not be restored by the next page load.
      if (active !== primary) primary.clear(generation, owed).catch(() => undefined);
      return run((vault) => vault.clear(generation, owed));
    },
    settle: (generation) => run((vault) => vault.settle(generation)),
  };
}
