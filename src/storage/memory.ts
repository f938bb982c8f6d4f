import { refuses, type StoredSession, type Vault } from './vault.js';

/** A vault that keeps the session in this tab's memory only: nothing survives a reload. */
export function createMemoryVault(): Vault {
  let stored: StoredSession | null = null;
  return {
    load: async () => stored,
    async save(session) {
      if (refuses(stored?.generation ?? -1, session, !stored?.tokens)) return false;
      stored = session.tokens ? session : { ...session, owed: true };
      return true;
    },
    async clear(generation, owed) {
      stored = { generation: Math.max(generation, stored?.generation ?? 0), tokens: null, owed };
      return stored.generation;
    },
    async settle(generation) {
      if (stored?.generation === generation && !stored.tokens) stored = { generation, tokens: null };
    },
  };
}
