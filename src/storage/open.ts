import type { TokenwardError } from '../errors.js';
import type { StorageKind } from '../options.js';
import { createMemoryVault } from './memory.js';
import type { Vault } from './vault.js';

/**
 * The vault for a session. `onUnavailable` is called (at most once) when encrypted storage
 * cannot be used and the session falls back to memory; never to plaintext.
 */
export function openVault(kind: StorageKind, name: string, onUnavailable: (error: TokenwardError) => void): Vault {
  void kind;
  void name;
  void onUnavailable;
  return createMemoryVault();
}
