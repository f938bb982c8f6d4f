// The login throttle's attempts in Redis, so that every process counts the same guesses: a
// sorted set per key (la:u:<user>, la:a:<address>) of attempt ids scored by time, trimmed to the
// window and expiring with it. One Lua script checks every key and records the attempt, with no
// other client's command in between: attempts that reach several processes at once are counted
// one after the other, never both let through on the same count.
import type { AttemptLog, KeyLimit } from '../rate-limit.ts';
import { LuaScript, type Redis } from './client.ts';

// KEYS: the keys. ARGV: now, window, attempt id, then each key's limit. Returns ms to wait, 0: recorded.
const BEGIN = new LuaScript(`
  local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
  local room = 0
  for i, key in ipairs(KEYS) do
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local limit, count = tonumber(ARGV[3 + i]), redis.call('ZCARD', key)
    if count >= limit then
      local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
      room = math.max(room, tonumber(oldest[2]) + window - now)
    end
  end
  if room > 0 then return room end
  for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[3])
    redis.call('PEXPIRE', key, window)
  end
  return 0
`);

export class RedisAttemptLog implements AttemptLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}la:${key}`;
  }

  async begin(keys: KeyLimit[], id: string, now: number, windowMs: number): Promise<number> {
    const limits = keys.map(({ limit }) => limit);
    return Number(
      await BEGIN.run(
        this.redis,
        keys.map(({ key }) => this.key(key)),
        [now, windowMs, id, ...limits],
      ),
    );
  }

  async withdraw(keys: string[], id: string): Promise<void> {
    const batch = this.redis.multi();
    for (const key of keys) batch.zRem(this.key(key), id);
    await batch.exec();
  }
}
