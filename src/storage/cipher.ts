/** AES-GCM with a 96-bit IV, the size GCM is specified for (any other length is hashed down). */
const IV_BYTES = 12;
const KEY_ALGORITHM: AesKeyGenParams = { name: 'AES-GCM', length: 256 };

/** What encryption produces; both parts are structured-cloneable, so they go into IndexedDB as they are. */
export interface Sealed {
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: ArrayBuffer;
}

/**
 * A fresh AES-GCM-256 key. Not extractable: the key material can never be read out, by us or
 * by anyone else; the CryptoKey object itself is what gets stored.
 */
export function generateVaultKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, false, ['encrypt', 'decrypt']);
}

/** Whether a stored value is a key this module could have made (a replaced key of another kind is caught here). */
export function isVaultKey(value: unknown): value is CryptoKey {
  return (
    value instanceof CryptoKey &&
    value.type === 'secret' &&
    value.algorithm.name === KEY_ALGORITHM.name &&
    value.usages.includes('encrypt') &&
    value.usages.includes('decrypt')
  );
}

/** Whether a stored value has the shape `seal` produces; says nothing about whether it will decrypt. */
export function isSealed<T extends Readonly<Record<string, unknown>>>(value: T): value is T & Sealed {
  return value.iv instanceof Uint8Array && value.iv.byteLength === IV_BYTES && value.ciphertext instanceof ArrayBuffer;
}

/**
 * Encrypts under a fresh random IV, so no two writes ever share one under the same key.
 * `additionalData` is authenticated, not stored: the reader must present the same bytes.
 */
export async function seal(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plaintext);
  return { iv, ciphertext };
}

/** Decrypts; rejects (OperationError) when any byte, the key or the additional data differs from sealing time. */
export function unseal(key: CryptoKey, sealed: Sealed, additionalData: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  return crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData }, key, sealed.ciphertext);
}
