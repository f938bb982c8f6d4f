// Section 4's page: the encrypted vault (internal: src/storage/encrypted.ts) beside plain
// idb-keyval, writing and reading the same session value.
import { createStore, get, set } from 'idb-keyval';
import { createEncryptedVault } from '../../src/storage/encrypted.ts';
import { benchTokenSet } from './lib/token-set.ts';
import type { VaultPage, VaultRound } from './api.ts';

const vault = createEncryptedVault('bench-vault');
const plain = createStore('bench-plain', 'kv');
const tokens = benchTokenSet();

/** Mean milliseconds per call over `ops` sequential calls. */
async function perOp(ops: number, call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < ops; i++) await call();
  return (performance.now() - start) / ops;
}

async function measureVault(ops: number): Promise<Pick<VaultRound, 'vaultWrite' | 'vaultRead'>> {
  const vaultWrite = await perOp(ops, () => vault.save({ generation: 1, tokens }));
  const vaultRead = await perOp(ops, () => vault.load());
  return { vaultWrite, vaultRead };
}

async function measurePlain(ops: number): Promise<Pick<VaultRound, 'plainWrite' | 'plainRead'>> {
  const plainWrite = await perOp(ops, () => set('session', tokens, plain));
  const plainRead = await perOp(ops, () => get('session', plain));
  return { plainWrite, plainRead };
}

window.benchVault = {
  async check() {
    await vault.save({ generation: 1, tokens });
    await set('session', tokens, plain);
    const [stored, copy] = await Promise.all([vault.load(), get<typeof tokens>('session', plain)]);
    return stored?.tokens?.accessToken === tokens.accessToken && copy?.accessToken === tokens.accessToken;
  },
  async round(ops, plainFirst) {
    if (plainFirst) {
      const plainTimes = await measurePlain(ops);
      return { ...plainTimes, ...(await measureVault(ops)) };
    }
    const vaultTimes = await measureVault(ops);
    return { ...vaultTimes, ...(await measurePlain(ops)) };
  },
} satisfies VaultPage;
