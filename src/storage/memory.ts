import type { StoredSession, Vault } from './vault.js';

/** A vault that keeps the session in this tab's memory only: nothing survives a reload. */
export function createMemoryVault(): Vault {
  let stored: StoredSession | null = null;
  return {
    load: async () => stored,
    async save(session) {
      if (stored && stored.generation > session.generation) return false;
      stored = session;
      return true;
    },
    async clear(generation) {
      stored = { generation: Math.max(generation, stored?.generation ?? 0), tokens: null };
      return stored.generation;
    },
  };
}
