// The ids of accepted DPoP proofs in Redis, so that a proof replayed to another process is
// refused too: one key per id (pi:<sha256 of thumbprint.jti>), set only if absent, expiring when
// no proof with that id could pass the iat check any more. Unlike the in-memory log, it has no
// capacity to run out of: Redis's own memory limit is the bound.
import { createHash } from 'node:crypto';
import type { ProofIdLog } from '../dpop.ts';
import type { Redis } from './client.ts';

export class RedisProofIdLog implements ProofIdLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(id: string, keepForMs: number): Promise<boolean> {
    // Hashed: a jti may be up to 256 characters of the client's choosing.
    const key = `${this.prefix}pi:${createHash('sha256').update(id).digest('base64url')}`;
    return (await this.redis.set(key, '1', { condition: 'NX', expiration: { type: 'PX', value: keepForMs } })) === 'OK';
  }
}
