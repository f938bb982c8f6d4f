// Several "tabs" of one browser in one Node process, for the hub tests. Every session opened
// during a test shares one vault (the real memory vault, standing in for the encrypted IndexedDB
// vault that every tab opens by name) and one channel, which delivers each message to the other
// tabs on a later microtask, as BroadcastChannel delivers on a later task. The test files route
// the session's openVault() and openSyncChannel() here with vi.mock, so this module must not
// import the session itself.
import { createMemoryVault } from '../../../src/storage/memory.js';
import type { StoredSession, Vault } from '../../../src/storage/vault.js';
import type { Envelope, SyncChannel } from '../../../src/sync/channel.js';

let vault: Vault = createMemoryVault();
const receivers = new Set<(message: Envelope) => void>();
let delivering = true;

/** Stands in for the browser's storage and BroadcastChannel. */
export const browser = {
  openVault: (): Vault => vault,
  openSyncChannel: (_name: string, lifetime: AbortSignal, handler: (message: Envelope) => void): SyncChannel => {
    const tab = crypto.randomUUID();
    const receive = (message: Envelope): void => {
      if (message.tab !== tab) handler(message);
    };
    receivers.add(receive);
    lifetime.addEventListener('abort', () => receivers.delete(receive));
    return {
      tab,
      async post(message) {
        await Promise.resolve();
        if (delivering) for (const deliver of [...receivers]) deliver({ ...message, tab });
      },
    };
  },
  /** What is stored, as the next page load would find it. */
  stored: (): Promise<StoredSession | null> => vault.load(),
  /** From now on messages between tabs are lost, so only the vault can keep tabs in step. */
  loseMessages: (): void => {
    delivering = false;
  },
  /** A fresh profile for the next test. */
  reset: (): void => {
    vault = createMemoryVault();
    receivers.clear();
    delivering = true;
  },
};
