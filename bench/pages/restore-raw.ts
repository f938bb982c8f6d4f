// Section 3's baseline: the least a page can do to restore an encrypted session: one idb-keyval
// get of {key, iv, ciphertext} and one AES-GCM decrypt (plus the JSON.parse of the result).
import { createStore, get, set } from 'idb-keyval';
import { benchTokenSet } from './lib/token-set.ts';
import type { RestorePage } from './api.ts';

interface RawRecord {
  readonly key: CryptoKey;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: ArrayBuffer;
}

const store = createStore('bench-restore-raw', 'vault');

const page: RestorePage = {
  settledAt: null,
  signedIn: false,
  async seed() {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plaintext = new TextEncoder().encode(JSON.stringify(benchTokenSet()));
    const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plaintext);
    await set('session', { key, iv, ciphertext } satisfies RawRecord, store);
  },
};

async function restore(): Promise<void> {
  const record = await get<RawRecord>('session', store);
  if (record) {
    const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv }, record.key, record.ciphertext);
    page.signedIn = typeof (JSON.parse(new TextDecoder().decode(plaintext)) as { accessToken?: unknown }).accessToken === 'string';
  }
  page.settledAt = performance.now();
}

window.benchRestore = page;
void restore();
