import { promisifyRequest } from 'idb-keyval';
import type { FlowContext } from '../flows/flow.js';
import { isObject } from '../tokens.js';
import { generateVaultKey, isSealed, isVaultKey, seal, unseal } from './cipher.js';
import { reopeningStore, vaultDatabaseName } from './encrypted.js';

/** One small secret a flow keeps across a page load outside a session (a pending sign-in), encrypted like the session. */
export interface Stash {
  put(value: unknown): Promise<void>;
  /** The value, read and deleted in one transaction, so that a second take (another tab, a replay) finds nothing; undefined when none is there or it does not decrypt. */
  take(): Promise<unknown>;
}

const encoder = new TextEncoder();

/**
 * A record named `record` in the session's vault store, sealed under a key of its own that is
 * written in the same transaction, so that it can never stand beside a key that does not open it
 * and never touches the session's key. Ending the session clears the store, stash included.
 * Memory storage (and Node) keeps it in memory, so it does not survive a page load.
 */
export function openStash({ name, storage }: FlowContext, record: string): Stash {
  if (storage === 'memory' || typeof window === 'undefined') {
    let kept: unknown;
    return {
      put: async (value) => void (kept = value),
      async take() {
        const value = kept;
        kept = undefined;
        return value;
      },
    };
  }
  const store = reopeningStore(vaultDatabaseName(name), 'vault');
  const keyRecord = `${record}-key`;
  const binding = encoder.encode(JSON.stringify(['tokenward-stash', name, record]));
  return {
    async put(value) {
      // A fresh key each time: nothing to share with a concurrent writer, nothing to read first.
      const key = await generateVaultKey();
      const sealed = await seal(key, encoder.encode(JSON.stringify(value)), binding);
      await store('readwrite', async (objectStore) => {
        objectStore.put(key, keyRecord);
        objectStore.put(sealed, record);
        await promisifyRequest(objectStore.transaction);
      });
    },
    async take() {
      const [sealed, key] = await store('readwrite', async (objectStore) => {
        const read = Promise.all([promisifyRequest<unknown>(objectStore.get(record)), promisifyRequest<unknown>(objectStore.get(keyRecord))]);
        objectStore.delete(record);
        objectStore.delete(keyRecord);
        await promisifyRequest(objectStore.transaction);
        return read;
      });
      if (!isVaultKey(key) || !isObject(sealed) || !isSealed(sealed)) return undefined;
      try {
        return JSON.parse(new TextDecoder().decode(await unseal(key, sealed, binding))) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}
