// The pending sign-in with DPoP, in Node's WebCrypto: the key its code is bound to is kept beside
// it (as CryptoKey objects, not JSON) and comes back only as that very key.
import { describe, expect, it } from 'vitest';
import { dpop } from '../../src/dpop/index.ts';
import { pendingKey, startPending, takePending } from '../../src/oidc/pending.ts';
import { openStash } from '../../src/storage/stash.ts';

const stash = () => openStash({ name: 'test', storage: 'memory', timeout: 1000, dpop: null }, 'oidc-login');

describe('pending sign-in with DPoP', () => {
  it('names the key by its thumbprint and gives back that key, to be exchanged with', async () => {
    const binding = dpop.createBinding();
    const key = await binding.create();
    const store = stash();
    const { pending } = await startPending(store, '/', key);
    expect(pending.jkt).toBe(key.prover.thumbprint);
    const taken = await takePending(store, pending.state);
    expect(taken.keyPair).toBe(key.pair);
    expect((await pendingKey(binding, taken))?.prover.thumbprint).toBe(key.prover.thumbprint);
    // Without DPoP, no key is asked for.
    expect(await pendingKey(null, taken)).toBeNull();
  });

  it('refuses the callback when the key is gone, is another key, or the sign-in was started without one', async () => {
    const binding = dpop.createBinding();
    const key = await binding.create();
    const other = await binding.create();
    const store = stash();
    const { pending } = await startPending(store, '/', key);
    const taken = await takePending(store, pending.state);
    const refused = { code: 'callback_rejected', message: /DPoP key of this sign-in is missing or unusable/ };
    await expect(pendingKey(binding, { ...taken, keyPair: undefined })).rejects.toMatchObject(refused);
    await expect(pendingKey(binding, { ...taken, keyPair: other.pair })).rejects.toMatchObject(refused);
    const { pending: withoutKey } = await startPending(store, '/', null);
    expect(withoutKey).not.toHaveProperty('jkt');
    await expect(pendingKey(binding, await takePending(store, withoutKey.state))).rejects.toMatchObject(refused);
  });
});
