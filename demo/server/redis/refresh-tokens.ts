// Refresh-token families in Redis: the same rules as the SQLite store (refresh-tokens.ts),
// for several processes. Keys (under the prefix):
//   t:<sha256 of token>  hash {family, expires, used, next}   expires at the token's expiry
//                        (next: the successor's hash, set with used)
//   b:<sha256 of token>  the successor sealed for the grace window (refresh-tokens.ts)   expires with the window
//   f:<family id>        hash {user, created, revoked, reason, jkt, idle}   expires at the absolute end
//                        (jkt: the DPoP key thumbprint of a bound family, absent when unbound;
//                        idle: the newest token's expiry, past which the family is idle-expired)
//   uf:<user>            set of the user's family ids (for sign out everywhere)
// Rotation is one Lua script: it checks the presented token, marks it used and stores its
// successor with nothing in between, so two processes rotating the same token at the same
// instant get one winner, and a used token presented again revokes its family whichever
// process sees it; a replay within the grace window collects the boxes down to the live token in
// the same script, so it cannot race a rotation on another process. Expiry is Redis's: a token past its TTL is simply gone.
import { randomUUID } from 'node:crypto';
import {
  hashToken,
  MAX_REPLAY_CHAIN,
  newToken,
  SuccessorBoxes,
  type IssuedRefreshToken,
  type RefreshTokenStore,
  type RevokeReason,
  type RotationResult,
} from '../refresh-tokens.ts';
import type { StoreSettings } from '../store-types.ts';
import { ADD_TO_SET, LuaScript, type Redis } from './client.ts';

// KEYS: family, token, user's families. ARGV: user, now, token expiry, family end, family id, jkt ('' for none).
const START = new LuaScript(`${ADD_TO_SET}
  redis.call('HSET', KEYS[1], 'user', ARGV[1], 'created', ARGV[2], 'idle', ARGV[3])
  if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'jkt', ARGV[6]) end
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
  redis.call('HSET', KEYS[2], 'family', ARGV[5], 'expires', ARGV[3])
  redis.call('PEXPIREAT', KEYS[2], ARGV[3])
  add_to_set(KEYS[3], ARGV[5], ARGV[4])
`);

// KEYS: presented token. ARGV: now, successor's hash, token TTL, absolute lifetime, grace window, prefix,
// successor's box ('' for none), '1' for the same session, longest chain, presented token's hash.
// Returns {outcome, family, user, created, (live) successor's expiry, jkt ('' for none), boxes...} (as far as known).
const ROTATE = new LuaScript(`
  local now = tonumber(ARGV[1])
  local grace = tonumber(ARGV[5])
  local prefix = ARGV[6]
  local t = redis.call('HMGET', KEYS[1], 'family', 'expires', 'used', 'next')
  if not t[1] then return {'unknown'} end
  if tonumber(t[2]) <= now then return {'expired'} end
  local fkey = prefix .. 'f:' .. t[1]
  local f = redis.call('HMGET', fkey, 'user', 'created', 'revoked', 'jkt')
  if not f[1] or f[3] then return {'revoked'} end
  if t[3] then
    -- Used before: the same session within the window gets the boxes down to the live token.
    if ARGV[8] == '1' and now - tonumber(t[3]) < grace then
      local reply = {'grace', t[1], f[1], f[2], '', f[4] or ''}
      local hash, link = ARGV[10], t
      while link[4] and #reply - 6 < tonumber(ARGV[9]) do
        local box = redis.call('GET', prefix .. 'b:' .. hash)
        if not box then break end
        table.insert(reply, box)
        hash = link[4]
        link = redis.call('HMGET', prefix .. 't:' .. hash, 'family', 'expires', 'used', 'next')
        if not link[1] or tonumber(link[2]) <= now then break end
        if not link[3] then
          reply[5] = link[2]
          return reply
        end
      end
    end
    redis.call('HSET', fkey, 'revoked', ARGV[1], 'reason', 'reuse')
    return {'reuse', t[1]}
  end
  redis.call('HSET', KEYS[1], 'used', ARGV[1], 'next', ARGV[2])
  if ARGV[7] ~= '' then redis.call('SET', prefix .. 'b:' .. ARGV[10], ARGV[7], 'PX', grace) end
  local expires = math.min(now + tonumber(ARGV[3]), tonumber(f[2]) + tonumber(ARGV[4]))
  local next = prefix .. 't:' .. ARGV[2]
  redis.call('HSET', next, 'family', t[1], 'expires', expires)
  redis.call('HSET', fkey, 'idle', expires)
  redis.call('PEXPIREAT', next, expires)
  return {'rotated', t[1], f[1], f[2], tostring(expires), f[4] or ''}
`);

// KEYS: family. ARGV: now, reason. A family that ran out or was revoked stays as it is.
const REVOKE = new LuaScript(`
  if redis.call('EXISTS', KEYS[1]) == 1 and not redis.call('HGET', KEYS[1], 'revoked') then
    redis.call('HSET', KEYS[1], 'revoked', ARGV[1], 'reason', ARGV[2])
  end
`);

// KEYS: user's families. ARGV: now, reason, family to keep, prefix.
const REVOKE_USER = new LuaScript(`
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    local fkey = ARGV[4] .. 'f:' .. id
    if redis.call('EXISTS', fkey) == 0 then
      redis.call('SREM', KEYS[1], id)
    elseif id ~= ARGV[3] and not redis.call('HGET', fkey, 'revoked') then
      redis.call('HSET', fkey, 'revoked', ARGV[1], 'reason', ARGV[2])
    end
  end
`);

// KEYS: token. ARGV: now, prefix. 1 if the token would rotate now.
const REDEEMABLE = new LuaScript(`
  local t = redis.call('HMGET', KEYS[1], 'family', 'expires', 'used')
  if not t[1] or t[3] or tonumber(t[2]) <= tonumber(ARGV[1]) then return 0 end
  local f = redis.call('HMGET', ARGV[2] .. 'f:' .. t[1], 'user', 'revoked')
  if f[1] and not f[2] then return 1 end
  return 0
`);

export class RedisRefreshTokens implements RefreshTokenStore {
  private readonly boxes: SuccessorBoxes;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: StoreSettings,
  ) {
    this.boxes = new SuccessorBoxes(settings.sealSecret);
  }

  private key(kind: 't' | 'f' | 'uf', id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  async startFamily(user: string, jkt: string | null = null): Promise<IssuedRefreshToken> {
    const now = Date.now();
    const familyId = randomUUID();
    const token = newToken();
    const end = now + this.settings.absoluteMs;
    const expiresAt = Math.min(now + this.settings.refreshTtlMs, end);
    await START.run(
      this.redis,
      [this.key('f', familyId), this.key('t', hashToken(token)), this.key('uf', user)],
      [user, now, expiresAt, end, familyId, jkt ?? ''],
    );
    return { token, familyId, user, expiresAt, jkt };
  }

  async isRedeemable(token: string): Promise<boolean> {
    return (await REDEEMABLE.run(this.redis, [this.key('t', hashToken(token))], [Date.now(), this.prefix])) === 1;
  }

  async rotate(token: string, sameSession = false): Promise<RotationResult> {
    const now = Date.now();
    const successor = newToken();
    const { graceWindowMs, refreshTtlMs, absoluteMs } = this.settings;
    const presented = hashToken(token);
    const box = graceWindowMs > 0 ? this.boxes.seal(token, successor) : '';
    const reply = (await ROTATE.run(
      this.redis,
      [this.key('t', presented)],
      [now, hashToken(successor), refreshTtlMs, absoluteMs, graceWindowMs, this.prefix, box, sameSession ? '1' : '0', MAX_REPLAY_CHAIN, presented],
    )) as string[];
    const [outcome, familyId = '', user = '', , expires = '', jkt = '', ...boxes] = reply;
    const issued = (value: string) => ({ token: value, familyId, user, expiresAt: Number(expires), jkt: jkt || null });
    switch (outcome) {
      case 'rotated':
        return { ok: true, kind: 'rotated', issued: issued(successor) };
      case 'grace': {
        const current = this.boxes.open(token, boxes);
        if (current !== undefined) return { ok: true, kind: 'grace', issued: issued(current) };
        await this.revokeFamily(familyId, 'reuse'); // boxes sealed under another secret: no replay
        return { ok: false, reason: 'reuse' };
      }
      default:
        return { ok: false, reason: outcome as 'unknown' | 'expired' | 'revoked' | 'reuse' };
    }
  }

  async familyOf(token: string): Promise<string | undefined> {
    return (await this.redis.hGet(this.key('t', hashToken(token)), 'family')) ?? undefined;
  }

  async familyKey(familyId: string): Promise<string | null> {
    return (await this.redis.hGet(this.key('f', familyId), 'jkt')) ?? null;
  }

  async revokeFamily(familyId: string, reason: RevokeReason): Promise<void> {
    await REVOKE.run(this.redis, [this.key('f', familyId)], [Date.now(), reason]);
  }

  async revokeAllOf(user: string, reason: RevokeReason, keep: string | null = null): Promise<void> {
    await REVOKE_USER.run(this.redis, [this.key('uf', user)], [Date.now(), reason, keep ?? '', this.prefix]);
  }

  async familyEnd(familyId: string): Promise<number | null> {
    const [created, revoked, idle] = await this.redis.hmGet(this.key('f', familyId), ['created', 'revoked', 'idle']);
    const now = Date.now();
    const end = created && !revoked ? Number(created) + this.settings.absoluteMs : 0;
    // A family written before the idle field existed has none: its absolute end alone decides.
    return end > now && (idle === null || Number(idle) > now) ? end : null;
  }
}
