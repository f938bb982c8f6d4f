import { promisifyRequest } from 'idb-keyval';
import type { FlowContext } from '../contract/flow.js';
import { isObject } from '../tokens.js';
import { generateVaultKey, isSealed, isVaultKey, seal, unseal } from './cipher.js';
import { reopeningStore, vaultDatabaseName } from './encrypted.js';

/** One small secret a flow keeps across a page load outside a session (a pending sign-in), encrypted like the session. */
export interface Stash {
  /**
   * Stores `value`, sealed as JSON, and `keyPair` (a DPoP key) beside it as it is: JSON cannot
   * carry CryptoKey objects, and IndexedDB keeps them by structured clone, non-extractable.
   */
  put(value: unknown, keyPair?: CryptoKeyPair): Promise<void>;
  /**
   * What was put, read and deleted in one transaction, so that a second take (another tab, a
   * replay) finds nothing; undefined when nothing is there or the value does not decrypt. The key
   * pair comes back unchecked (undefined when none was stored or it was deleted).
   */
  take(): Promise<Stashed | undefined>;
}

export interface Stashed {
  readonly value: unknown;
  readonly keyPair: unknown;
}

const encoder = new TextEncoder();

/**
 * A record named `record` in the session's vault store, sealed under a key of its own that is
 * written in the same transaction, so that it can never stand beside a key that does not open it
 * and never touches the session's key; a key pair put with it is a third record, written and
 * deleted in the same transactions. Ending the session clears the store, stash included.
 * Memory storage (and Node) keeps it in memory, so it does not survive a page load.
 */
export function openStash({ name, storage }: FlowContext, record: string): Stash {
  if (storage === 'memory' || typeof window === 'undefined') {
    let kept: Stashed | undefined;
    return {
      put: async (value, keyPair) => void (kept = { value, keyPair }),
      async take() {
        const stashed = kept;
        kept = undefined;
        return stashed;
      },
    };
  }
  const store = reopeningStore(vaultDatabaseName(name), 'vault');
  const keyRecord = `${record}-key`;
  const pairRecord = `${record}-key-pair`;
  const binding = encoder.encode(JSON.stringify(['tokenward-stash', name, record]));
  return {
    async put(value, keyPair) {
      // A fresh key each time: nothing to share with a concurrent writer, nothing to read first.
      const key = await generateVaultKey();
      const sealed = await seal(key, encoder.encode(JSON.stringify(value)), binding);
      await store('readwrite', async (objectStore) => {
        objectStore.put(key, keyRecord);
        objectStore.put(sealed, record);
        // An earlier sign-in's key pair must not stay beside this one's record.
        if (keyPair) objectStore.put(keyPair, pairRecord);
        else objectStore.delete(pairRecord);
        await promisifyRequest(objectStore.transaction);
      });
    },
    async take() {
      const names = [record, keyRecord, pairRecord];
      const [sealed, key, keyPair] = await store('readwrite', async (objectStore) => {
        const read = Promise.all(names.map((name) => promisifyRequest<unknown>(objectStore.get(name))));
        for (const name of names) objectStore.delete(name);
        await promisifyRequest(objectStore.transaction);
        return read;
      });
      if (!isVaultKey(key) || !isObject(sealed) || !isSealed(sealed)) return undefined;
      try {
        return { value: JSON.parse(new TextDecoder().decode(await unseal(key, sealed, binding))) as unknown, keyPair };
      } catch {
        return undefined;
      }
    },
  };
}
