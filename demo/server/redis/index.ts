// The Redis implementation of the stores (see stores.ts): one connection shared by the
// session store, the refresh-token families, the login throttle and the DPoP proof ids, all under
// one key prefix.
import type { Stores, StoreSettings } from '../store-types.ts';
import { connectRedis } from './client.ts';
import { RedisAttemptLog } from './login-attempts.ts';
import { RedisProofIdLog } from './proof-ids.ts';
import { RedisRefreshTokens } from './refresh-tokens.ts';
import { RedisSessionStore } from './session-store.ts';

export async function openRedisStores(url: string, settings: StoreSettings, prefix = 'tokenward:'): Promise<Stores> {
  const redis = await connectRedis(url);
  return {
    sessions: new RedisSessionStore(redis, prefix, settings),
    refreshTokens: new RedisRefreshTokens(redis, prefix, settings),
    loginAttempts: new RedisAttemptLog(redis, prefix),
    proofIds: new RedisProofIdLog(redis, prefix),
    close: async () => void (await redis.close()),
  };
}
