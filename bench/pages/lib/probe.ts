// Counts what the code under test touches: network, IndexedDB, Web Locks, web storage and
// cookies. Imported before any SDK, so even a reference an SDK takes at load time is counted.

export interface Touches {
  network: number;
  indexedDB: number;
  locks: number;
  webStorage: number;
  cookies: number;
}

const counts: Touches = { network: 0, indexedDB: 0, locks: 0, webStorage: 0, cookies: 0 };

type Method = (this: unknown, ...args: unknown[]) => unknown;

function countCalls(target: object, name: string, kind: keyof Touches): void {
  const holder = target as Record<string, Method>;
  const original = holder[name];
  if (typeof original !== 'function') return;
  holder[name] = function (this: unknown, ...args: unknown[]) {
    counts[kind]++;
    return original.apply(this, args);
  };
}

countCalls(window, 'fetch', 'network');
countCalls(XMLHttpRequest.prototype, 'send', 'network');
countCalls(Navigator.prototype, 'sendBeacon', 'network');
countCalls(IDBFactory.prototype, 'open', 'indexedDB');
// Every read or write needs a transaction: one count per transaction, whatever it does.
countCalls(IDBDatabase.prototype, 'transaction', 'indexedDB');
countCalls(LockManager.prototype, 'request', 'locks');
for (const name of ['getItem', 'setItem', 'removeItem', 'key', 'clear']) countCalls(Storage.prototype, name, 'webStorage');

const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
if (cookie?.get && cookie.set) {
  const { get, set } = cookie;
  Object.defineProperty(Document.prototype, 'cookie', {
    ...cookie,
    get(this: Document) {
      counts.cookies++;
      return get.call(this) as string;
    },
    set(this: Document, value: string) {
      counts.cookies++;
      set.call(this, value);
    },
  });
}

export const probe = {
  reset(): void {
    for (const kind of Object.keys(counts) as (keyof Touches)[]) counts[kind] = 0;
  },
  read(): Touches {
    return { ...counts };
  },
};
