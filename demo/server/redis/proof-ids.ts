// The ids of accepted DPoP proofs in Redis, so that a proof replayed to another process is
// refused too: one key per id (pi:<sha256 of thumbprint.jti>), expiring when no proof with that id
// could pass the iat check any more. Unlike the in-memory log, it has no capacity to run out of
// (Redis's own memory limit is the bound), but every process counts the same quotas: a counter
// per key thumbprint or client address (pq:<sha256>), expiring a window after its first id.
import { createHash } from 'node:crypto';
import type { ProofIdLog, Quota, RememberOutcome } from '../dpop.ts';
import { LuaScript, type Redis } from './client.ts';

// KEYS: the id, then each quota's counter. ARGV: keep ms, then each quota's limit.
const REMEMBER = new LuaScript(`
  if redis.call('EXISTS', KEYS[1]) == 1 then return 'replay' end
  for i = 2, #KEYS do
    if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i]) then return 'full' end
  end
  for i = 2, #KEYS do
    if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  end
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
  return 'recorded'
`);

// Hashed: a jti may be up to 256 characters of the client's choosing.
const hashed = (value: string) => createHash('sha256').update(value).digest('base64url');

export class RedisProofIdLog implements ProofIdLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(id: string, keepForMs: number, quotas: Quota[]): Promise<RememberOutcome> {
    const keys = [`${this.prefix}pi:${hashed(id)}`, ...quotas.map(({ key }) => `${this.prefix}pq:${hashed(key)}`)];
    return (await REMEMBER.run(this.redis, keys, [keepForMs, ...quotas.map(({ limit }) => limit)])) as RememberOutcome;
  }
}
