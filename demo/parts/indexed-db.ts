// Reads every IndexedDB database of this origin with the plain IndexedDB API: what is really
// on disk, not what the SDK says it stored.

export interface StoredRecord {
  readonly key: IDBValidKey;
  readonly value: unknown;
}

export interface StoreContents {
  readonly name: string;
  readonly records: readonly StoredRecord[];
}

export interface DatabaseContents {
  readonly name: string;
  readonly version: number;
  readonly stores: readonly StoreContents[];
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens a database that exists, or resolves null (it was deleted since it was listed). */
function openExisting(name: string): Promise<IDBDatabase | null> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    // An upgrade on an unversioned open means the database is being created: undo that.
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onsuccess = () => {
      const db = request.result;
      // Never stand in the way of the SDK deleting or upgrading a database.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => (request.error?.name === 'AbortError' ? resolve(null) : reject(request.error ?? new Error('IndexedDB request failed')));
  });
}

async function readDatabase(name: string): Promise<DatabaseContents | null> {
  const db = await openExisting(name);
  if (!db) return null;
  try {
    const storeNames = [...db.objectStoreNames];
    if (storeNames.length === 0) return { name, version: db.version, stores: [] };
    // One read-only transaction: a consistent snapshot of every store, keys in the same order as values.
    const transaction = db.transaction(storeNames, 'readonly');
    const stores = await Promise.all(
      storeNames.map(async (storeName) => {
        const store = transaction.objectStore(storeName);
        const [keys, values] = await Promise.all([settle(store.getAllKeys()), settle(store.getAll())]);
        return { name: storeName, records: keys.map((key, index) => ({ key, value: values[index] as unknown })) };
      }),
    );
    return { name, version: db.version, stores };
  } finally {
    db.close();
  }
}

export async function readAllDatabases(): Promise<DatabaseContents[]> {
  const listed = await indexedDB.databases();
  const names = listed.flatMap((info) => (info.name ? [info.name] : [])).sort();
  const contents = await Promise.all(names.map(readDatabase));
  return contents.filter((db): db is DatabaseContents => db !== null);
}
