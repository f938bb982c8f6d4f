// The IndexedDB panel: every record as it is stored, bytes as bytes and keys as CryptoKeys.
import type { Session } from '../../src/index.ts';
import { byId, h, type Child } from './dom.ts';
import { base64, hex } from './format.ts';
import { readAllDatabases, type DatabaseContents } from './indexed-db.ts';

/** Other tabs write to IndexedDB too, and not every write reaches this tab as a state change. */
const POLL_MS = 1_000;
/** Enough hex to see it is noise; the whole value is there as base64. */
const HEX_BYTES = 32;

function bytesOf(value: unknown): Uint8Array | null {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text form of the contents, to re-render only when something changed. */
function fingerprint(databases: readonly DatabaseContents[]): string {
  return JSON.stringify(databases, (_key, value: unknown) => {
    const bytes = bytesOf(value);
    if (bytes) return base64(bytes);
    return value instanceof CryptoKey ? `CryptoKey ${value.algorithm.name}` : value;
  });
}

/** What a record of the SDK's vault is, recognised by its shape. */
function caption(value: unknown): string | null {
  if (value instanceof CryptoKey) {
    return 'The vault key: the CryptoKey object itself, stored as is. Its key material never leaves the browser’s crypto engine.';
  }
  if (isRecord(value) && 'ciphertext' in value) {
    return 'The session, sealed with AES-GCM: a fresh 12-byte IV on every write, and a ciphertext that ends in the 16-byte authentication tag.';
  }
  if (isRecord(value) && value.signedOut === true) {
    return 'Signed out: no key and no ciphertext, only the generation that ended, so that a late write from it is refused.';
  }
  return null;
}

function fields(entries: ReadonlyArray<readonly [string, Child]>): HTMLDListElement {
  return h('dl', { class: 'fields' }, ...entries.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
}

function bytesView(bytes: Uint8Array): HTMLElement {
  const shown = hex(bytes.subarray(0, HEX_BYTES)) + (bytes.length > HEX_BYTES ? ' …' : '');
  return h(
    'div',
    { class: 'bytes' },
    h('div', { class: 'bytes-size' }, `${bytes.length} bytes`),
    h('div', { class: 'hex' }, shown),
    h('div', { class: 'base64' }, base64(bytes)),
  );
}

function keyView(key: CryptoKey): HTMLElement {
  const algorithm = key.algorithm as AesKeyAlgorithm;
  const exportResult = h('span', { class: 'muted' }, 'trying…');
  // The proof, run live: asking for the key material fails.
  crypto.subtle.exportKey('raw', key).then(
    () => exportResult.replaceChildren('exported (this should not happen)'),
    (error: unknown) => {
      exportResult.className = 'refused';
      exportResult.replaceChildren(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    },
  );
  return fields([
    ['type', 'CryptoKey'],
    ['algorithm', `${algorithm.name}, ${algorithm.length} bits`],
    ['extractable', String(key.extractable)],
    ['usages', key.usages.join(', ')],
    ['exportKey()', exportResult],
  ]);
}

function valueView(value: unknown): Child {
  if (value instanceof CryptoKey) return keyView(value);
  const bytes = bytesOf(value);
  if (bytes) return bytesView(bytes);
  if (isRecord(value)) return fields(Object.entries(value).map(([name, field]) => [name, valueView(field)] as const));
  return h('code', {}, JSON.stringify(value) ?? String(value));
}

function databaseView(db: DatabaseContents): HTMLElement {
  return h(
    'div',
    { class: 'database' },
    h('h3', {}, 'database ', h('code', {}, db.name), h('span', { class: 'muted' }, ` · version ${db.version}`)),
    ...db.stores.map((store) =>
      h(
        'div',
        { class: 'store' },
        h(
          'div',
          { class: 'store-name' },
          'object store ',
          h('code', {}, store.name),
          h('span', { class: 'muted' }, ` · ${store.records.length} ${store.records.length === 1 ? 'record' : 'records'}`),
        ),
        ...store.records.map((record) => {
          const text = caption(record.value);
          return h(
            'div',
            { class: 'record', 'data-key': typeof record.key === 'string' ? record.key : JSON.stringify(record.key) },
            h('div', { class: 'record-key' }, h('code', {}, JSON.stringify(record.key))),
            text ? h('p', { class: 'note' }, text) : null,
            valueView(record.value),
          );
        }),
      ),
    ),
  );
}

export function mountVaultView(session: Session): void {
  const container = byId('vault');
  let shown: string | null = null;
  let reading = false;

  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      const databases = await readAllDatabases();
      const next = fingerprint(databases);
      if (next === shown) return;
      shown = next;
      container.replaceChildren(
        ...(databases.length ? databases.map(databaseView) : [h('p', { class: 'muted' }, 'No IndexedDB database on this origin yet: sign in.')]),
      );
    } catch (error) {
      shown = null;
      container.replaceChildren(h('p', { class: 'inline-error' }, `IndexedDB could not be read: ${String(error)}`));
    } finally {
      reading = false;
    }
  }

  session.subscribe(() => void read());
  session.on('logout', () => void read()); // emitted once the vault is cleared
  byId('reread').addEventListener('click', () => {
    shown = null;
    void read();
  });
  setInterval(() => void read(), POLL_MS);
  void read();
}
