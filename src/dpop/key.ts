/** ES256: ECDSA on P-256, the algorithm every DPoP server supports. */
const EC_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/**
 * A fresh DPoP key pair. The private key is not extractable: script can sign with it (while it
 * runs in this origin) but can never read it out, so a stolen token cannot be used elsewhere.
 * The public key is extractable by WebCrypto's rules: it goes into every proof as a JWK.
 */
export function generateDpopKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_P256, false, ['sign', 'verify']);
}

/** Whether a stored value is a key pair this module could have made: anything else must not sign a proof. */
export function isDpopKey(value: unknown): value is CryptoKeyPair {
  if (typeof value !== 'object' || value === null) return false;
  const { privateKey, publicKey } = value as Partial<CryptoKeyPair>;
  return (
    isP256(privateKey) &&
    privateKey.type === 'private' &&
    !privateKey.extractable &&
    privateKey.usages.includes('sign') &&
    isP256(publicKey) &&
    publicKey.type === 'public'
  );
}

function isP256(key: unknown): key is CryptoKey {
  if (!(key instanceof CryptoKey)) return false;
  const algorithm = key.algorithm as EcKeyAlgorithm;
  return algorithm.name === EC_P256.name && algorithm.namedCurve === EC_P256.namedCurve;
}
