// The connection and the Lua scripts. A script runs atomically in Redis: no other client's
// command runs between its reads and its writes, which is what makes rotation safe across
// processes. Scripts build some key names from their arguments, so they need one Redis
// (or a Redis with every key of a user on one node), not a cluster.
import { createHash } from 'node:crypto';
import { createClient } from 'redis';

export type Redis = ReturnType<typeof createClient>;

export async function connectRedis(url: string): Promise<Redis> {
  let connected = false;
  // A Redis that is not there at start-up is a configuration error: fail (returning the cause
  // stops the retries). Once connected, a lost connection is retried, at most every 2 s.
  const reconnectStrategy = (retries: number, cause: Error) => (connected ? Math.min(100 * retries, 2_000) : cause);
  const client = createClient({ url, socket: { reconnectStrategy } });
  // Without a listener an 'error' event would end the process; a command that fails while
  // Redis is away rejects on its own (the request gets a 500) and the client reconnects.
  client.on('error', () => {});
  await client.connect();
  connected = true;
  return client;
}

export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** EVALSHA, and EVAL the first time this Redis sees the script. */
  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    try {
      return await redis.evalSha(this.sha, options);
    } catch (err) {
      if (!String(err).includes('NOSCRIPT')) throw err;
      return redis.eval(this.source, options);
    }
  }
}

/** Lua: a function that adds a member to a set and keeps the set at least until a time (ms). */
export const ADD_TO_SET = `
  local function add_to_set(key, member, until_ms)
    redis.call('SADD', key, member)
    if redis.call('PEXPIRETIME', key) < tonumber(until_ms) then redis.call('PEXPIREAT', key, until_ms) end
  end
`;
