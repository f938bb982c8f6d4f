/** Where the session is kept: the encrypted IndexedDB vault, or this tab's memory only. */
export type StorageKind = 'indexeddb' | 'memory';
