import { promisifyRequest, type UseStore } from 'idb-keyval';
import { TokenwardError } from '../errors.js';
import { isObject, jsonObject, type TokenSet } from '../tokens.js';
import { generateVaultKey, isSealed, isVaultKey, seal, unseal, type Sealed } from './cipher.js';
import { refuses, type StoredSession, type Vault } from './vault.js';

/** The record format. A reader refuses any other: a later format migrates explicitly, never by guessing. */
const FORMAT = 1;
/** Record names in the object store. */
const KEY = 'key';
const SESSION = 'session';
const DPOP_KEY = 'dpop-key';

/** The IndexedDB database that holds the vault of the session named `name` (one object store, `vault`). */
export function vaultDatabaseName(name: string): string {
  return `${name}-vault`;
}

/** The session record while signed in: the TokenSet as AES-GCM ciphertext. */
interface SealedRecord extends Sealed {
  readonly v: typeof FORMAT;
  readonly generation: number;
}

/** The session record once signed out. Nothing secret: only the generation that ended, so that late writes can be refused. */
interface SignedOutRecord {
  readonly v: typeof FORMAT;
  readonly generation: number;
  readonly signedOut: true;
  /** The server has not answered the logout yet: the next page load (or `online`) tries again. */
  readonly owed?: true;
}

type Entry = readonly [name: string, value: CryptoKey | SealedRecord | SignedOutRecord | NonNullable<StoredSession['dpopKey']>];

const encoder = new TextEncoder();

/**
 * The vault over IndexedDB. It holds two records: the non-extractable AES-GCM key (the
 * CryptoKey object itself) and the session, sealed under that key (a flow may keep records of
 * its own beside them: see stash.ts; with DPoP, the session's key pair). Every write replaces both in one transaction that first
 * checks the stored generation, so a write from a session that has ended (in any tab) is
 * refused at the moment of writing, and the store never holds a record its key cannot open.
 * Ending a session clears the whole store.
 */
export function createEncryptedVault(name: string): Vault {
  const store = reopeningStore(vaultDatabaseName(name), 'vault');

  /** Runs `write` in one readwrite transaction, given the generation stored there (and whether it is a marker), and resolves once committed. */
  function transact<T>(write: (objectStore: IDBObjectStore, storedGeneration: number, marker: boolean) => T): Promise<T> {
    return store('readwrite', async (objectStore) => {
      const record = await promisifyRequest<unknown>(objectStore.get(SESSION));
      let result: T;
      try {
        result = write(objectStore, generationOf(record), isObject(record) && record.signedOut === true);
      } catch (error) {
        // Otherwise whatever `write` did before throwing (the store cleared, say) would commit.
        objectStore.transaction.abort();
        throw error;
      }
      await promisifyRequest(objectStore.transaction);
      return result;
    });
  }

  async function seals(generation: number, tokens: TokenSet, dpopKey: StoredSession['dpopKey']): Promise<Entry[]> {
    // A key another tab stored is reused; otherwise a new one is written below together with
    // the record it sealed, in the same transaction, so concurrent tabs can never leave a record
    // next to a key that does not open it (the last complete write wins).
    const stored = await store('readonly', (objectStore) => promisifyRequest<unknown>(objectStore.get(KEY)));
    const key = isVaultKey(stored) ? stored : await generateVaultKey();
    const sealed = await seal(key, encoder.encode(JSON.stringify(tokens)), bindingOf(name, generation));
    return [
      [KEY, key],
      [SESSION, { v: FORMAT, generation, ...sealed }],
      // Written and replaced together with the session, so every tab signs with the key its tokens are bound to.
      ...(dpopKey ? [[DPOP_KEY, dpopKey] as const] : []),
    ];
  }

  return {
    async load() {
      // Failures to read are passed on as they are: the store being unusable is not corruption.
      const [record, key, dpopKey] = await store('readonly', (objectStore) =>
        Promise.all([SESSION, KEY, DPOP_KEY].map((entry) => promisifyRequest<unknown>(objectStore.get(entry)))),
      );
      return record === undefined ? null : { ...(await readRecord(name, record, key)), dpopKey };
    },

    async save(session) {
      const { generation, tokens } = session;
      const entries = tokens ? await seals(generation, tokens, session.dpopKey) : [signedOut(generation, true)];
      return transact((objectStore, stored, marker) => {
        if (refuses(stored, session, marker)) return false;
        // A session write leaves what a flow keeps beside it (a pending sign-in); a signed-out marker clears the store.
        putAll(objectStore, entries, !tokens);
        return true;
      });
    },

    async clear(generation, owed) {
      try {
        // Key included: whatever ciphertext survives anywhere can no longer be read.
        return await transact((objectStore, stored) => {
          const ended = Math.max(generation, stored);
          putAll(objectStore, [signedOut(ended, owed)], true);
          return ended;
        });
      } catch (error) {
        // The marker could not be written (a quota error, say). Deleting the key and the record
        // matters more than the marker, and a transaction that only deletes can still commit.
        await store('readwrite', (objectStore) => promisifyRequest(objectStore.clear())).catch(() => undefined);
        throw error;
      }
    },

    async settle(generation) {
      await transact((objectStore, stored, marker) => {
        if (marker && stored === generation) objectStore.put(signedOut(generation)[1], SESSION);
      });
    },
  };
}

/** How a connection the browser closed under us shows: on the next transaction, or on the one in flight (or the open). */
const CLOSED_UNDER_US = new Set(['InvalidStateError', 'AbortError', 'UnknownError']);

/**
 * Tries per call. A wipe of the origin's storage (`Clear-Site-Data: "storage"`, the user clearing
 * site data) asks our connection to step aside, closes it by force, and aborts the opens made
 * meanwhile (in Chromium also one made just as it closed ours). So a call can fail on the old
 * connection and on an open made during the wipe; one made after it opens a new, empty database.
 * Chromium never needed more than three tries; the fourth is margin, as failing means memory only.
 */
const ATTEMPTS = 4;

/**
 * An idb-keyval store (one object store of one database), opened lazily (creating the vault
 * touches no browser global), and opened again when the database went away under us: a wipe of
 * the origin's storage deletes it, even in the middle of the vault's own clear, and every tab
 * must still persist the next login. A call that fails because of it is repeated (nothing of a
 * transaction the wipe aborted was kept). Our connection steps aside when another one wants to
 * delete or upgrade the database: kept open, it would block that deletion, and every later open
 * (ours too) would queue behind it.
 */
export function reopeningStore(dbName: string, storeName: string): UseStore {
  let connection: Promise<IDBDatabase> | undefined;
  return async (mode, callback) => {
    for (let attempt = 1; ; attempt++) {
      const opened = (connection ??= openDatabase(dbName, storeName));
      // Opened anew on the next call, not now: an open made while the wipe runs is aborted.
      const drop = (): void => {
        if (connection === opened) connection = undefined;
      };
      try {
        const db = await opened;
        db.onversionchange = db.onclose = () => {
          db.close();
          drop();
        };
        return await callback(db.transaction(storeName, mode).objectStore(storeName));
      } catch (error) {
        if (attempt === ATTEMPTS || !(error instanceof DOMException && CLOSED_UNDER_US.has(error.name))) throw error;
        drop();
      }
    }
  };
}

function openDatabase(dbName: string, storeName: string): Promise<IDBDatabase> {
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  return promisifyRequest(request);
}

/** Writes `entries`, after emptying the store if `replace`. */
function putAll(objectStore: IDBObjectStore, entries: readonly Entry[], replace: boolean): void {
  if (replace) objectStore.clear();
  for (const [name, value] of entries) objectStore.put(value, name);
}

function signedOut(generation: number, owed?: boolean): Entry {
  return [SESSION, { v: FORMAT, generation, signedOut: true, ...(owed && { owed }) }];
}

/**
 * The additional authenticated data of a session record: the vault, the record, the format and
 * the generation. A ciphertext copied into another vault or record, read as another format, or
 * relabelled with another generation fails to decrypt. JSON, so that no choice of `name` can
 * make two different bindings encode to the same bytes.
 */
function bindingOf(name: string, generation: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(['tokenward-vault', name, SESSION, FORMAT, generation]));
}

function corrupted(message: string, cause?: unknown): TokenwardError {
  return new TokenwardError('storage_corrupted', `stored session: ${message}`, { cause });
}

/** Decrypts and validates a stored session record; anything amiss rejects with `storage_corrupted`. */
async function readRecord(name: string, record: unknown, key: unknown): Promise<StoredSession> {
  if (!isObject(record) || record.v !== FORMAT || !isGeneration(record.generation)) {
    throw corrupted('unknown format');
  }
  const { generation } = record;
  if (record.signedOut === true) return { generation, tokens: null, owed: record.owed === true };
  if (!isSealed(record)) throw corrupted('malformed');
  if (!isVaultKey(key)) throw corrupted('no key');
  let plaintext: ArrayBuffer;
  try {
    plaintext = await unseal(key, record, bindingOf(name, generation));
  } catch (error) {
    throw corrupted('does not decrypt', error);
  }
  const tokens = parseTokenSet(plaintext);
  if (!tokens) throw corrupted('not a token set');
  return { generation, tokens };
}

function parseTokenSet(plaintext: ArrayBuffer): TokenSet | null {
  const value = jsonObject(plaintext);
  if (!value) return null;
  const { accessToken, refreshToken, expiresAt, issuedAt, claims, extra } = value;
  const valid =
    isStringOrNull(accessToken) &&
    isStringOrNull(refreshToken) &&
    Number.isFinite(expiresAt) &&
    Number.isFinite(issuedAt) &&
    (claims === null || isObject(claims)) &&
    (extra === undefined || (isObject(extra) && Object.values(extra).every((item) => typeof item == 'string')));
  return valid ? (value as unknown as TokenSet) : null;
}

/** The generation a stored record claims, 0 for anything unreadable; used only to refuse older writes. */
function generationOf(record: unknown): number {
  return isObject(record) && isGeneration(record.generation) ? record.generation : 0;
}

// Number.isSafeInteger and Number.isFinite are false for anything but a number.
function isGeneration(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}
