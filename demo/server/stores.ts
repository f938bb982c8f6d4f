// Everything the server remembers, behind one small interface with two implementations:
// SQLite (one file, the embedded default) and Redis (with REDIS_URL; several processes then
// share the sessions, the refresh-token families, the login throttle and the DPoP proof ids
// through it, and nothing else). Routes only ever see these interfaces.
import { openDatabase } from './db.ts';
import { memoryProofIdLog } from './dpop.ts';
import { MemoryAttemptLog } from './rate-limit.ts';
import { openRedisStores } from './redis/index.ts';
import { SqliteRefreshTokens, SuccessorBoxes } from './refresh-tokens.ts';
import { SqliteSessionStore } from './session-store.ts';
import type { Stores, StoreSettings } from './store-types.ts';

export type { Stores, StoreSettings } from './store-types.ts';

export function openSqliteStores(file: string, settings: StoreSettings, proofIdCapacity?: number): Stores {
  const db = openDatabase(file);
  return {
    sessions: new SqliteSessionStore(db, settings.refreshTtlMs, settings.absoluteMs),
    refreshTokens: new SqliteRefreshTokens(db, settings.refreshTtlMs, settings.graceWindowMs, settings.absoluteMs, new SuccessorBoxes(settings.sealSecret)),
    // One process: its memory is where the throttle and the proof ids belong.
    loginAttempts: new MemoryAttemptLog(),
    proofIds: memoryProofIdLog(proofIdCapacity),
    close: async () => void db.close(),
  };
}

/** Redis when a URL is given, else the SQLite file (':memory:' by default). */
export function openStores(where: { redisUrl?: string; database?: string; dpopReplayCapacity?: number }, settings: StoreSettings): Promise<Stores> | Stores {
  return where.redisUrl ? openRedisStores(where.redisUrl, settings) : openSqliteStores(where.database ?? ':memory:', settings, where.dpopReplayCapacity);
}
