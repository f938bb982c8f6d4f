import { TokenwardError } from '../errors.js';
import type { StorageKind } from '../options.js';
import { createEncryptedVault } from './encrypted.js';
import { createMemoryVault } from './memory.js';
import type { Vault } from './vault.js';

/**
 * The vault for a session. `onUnavailable` is called (at most once) when encrypted storage
 * cannot be used and the session falls back to memory; never to plaintext. Outside a browser
 * (Node, SSR) there is nothing to persist to, and memory is used without a word.
 */
export function openVault(kind: StorageKind, name: string, onUnavailable: (error: TokenwardError) => void): Vault {
  if (kind === 'memory' || !inBrowser()) return createMemoryVault();
  const missing = missingPlatform();
  return withMemoryFallback(missing === null ? createEncryptedVault(name) : unavailableVault(missing), onUnavailable);
}

function inBrowser(): boolean {
  return typeof window !== 'undefined' || 'WorkerGlobalScope' in globalThis;
}

/** What the encrypted vault needs that this page lacks, if anything. */
function missingPlatform(): string | null {
  if (!globalThis.isSecureContext) return 'the page is not a secure context (WebCrypto needs https or localhost)';
  if (typeof indexedDB === 'undefined') return 'IndexedDB is not available';
  if (typeof crypto === 'undefined' || typeof crypto.subtle === 'undefined') return 'WebCrypto (crypto.subtle) is not available';
  return null;
}

/**
 * A vault that fails every call, for a platform found lacking up front. Reporting waits for the
 * first call (the session's restore, a microtask after createSession), so that handlers the app
 * attaches right after createSession hear it.
 */
function unavailableVault(reason: string): Vault {
  const fail = () => Promise.reject(new TokenwardError('storage_unavailable', reason));
  return { load: fail, save: fail, clear: fail };
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
function withMemoryFallback(primary: Vault, onUnavailable: (error: TokenwardError) => void): Vault {
  let active = primary;

  function fallBack(error: unknown): Vault {
    if (active === primary) {
      active = createMemoryVault();
      // Best effort: a session written before the failure must not outlive a logout that can no
      // longer reach this store. If the store is wholly unusable, this fails too and that is fine.
      primary.clear(0).catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      onUnavailable(
        new TokenwardError('storage_unavailable', `encrypted storage is unavailable, the session is kept in memory only: ${reason}`, {
          cause: error,
        }),
      );
    }
    return active;
  }

  async function run<T>(call: (vault: Vault) => Promise<T>): Promise<T> {
    const vault = active;
    try {
      return await call(vault);
    } catch (error) {
      if (vault !== primary || isCorruption(error)) throw error;
      return call(fallBack(error));
    }
  }

  return {
    load: () => run((vault) => vault.load()),
    save: (session) => run((vault) => vault.save(session)),
    clear: (generation) => run((vault) => vault.clear(generation)),
  };
}
