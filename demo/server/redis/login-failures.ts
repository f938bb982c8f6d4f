// The login throttle's failures in Redis, so that every process counts the same guesses: a
// sorted set per key (lf:u:<user>, lf:a:<address>), scored by time, trimmed to the window
// and expiring with it.
import { randomUUID } from 'node:crypto';
import type { FailureLog } from '../rate-limit.ts';
import type { Redis } from './client.ts';

export class RedisFailureLog implements FailureLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async since(key: string, since: number): Promise<number[]> {
    const entries = await this.redis.zRangeByScoreWithScores(`${this.prefix}lf:${key}`, `(${since}`, '+inf');
    return entries.map((entry) => entry.score);
  }

  async add(keys: string[], now: number, windowMs: number): Promise<void> {
    const batch = this.redis.multi();
    for (const key of keys.map((k) => `${this.prefix}lf:${k}`)) {
      batch
        .zAdd(key, { score: now, value: randomUUID() })
        .zRemRangeByScore(key, '-inf', now - windowMs)
        .pExpire(key, windowMs);
    }
    await batch.exec();
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}lf:${key}`);
  }
}
