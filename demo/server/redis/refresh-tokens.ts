// Refresh-token families in Redis: the same rules as the SQLite store (refresh-tokens.ts),
// for several processes. Keys (under the prefix):
//   t:<sha256 of token>  hash {family, expires, used}   expires at the token's expiry
//   f:<family id>        hash {user, created, revoked, reason, jkt, idle}   expires at the absolute end
//                        (jkt: the DPoP key thumbprint of a bound family, absent when unbound;
//                        idle: the newest token's expiry, past which the family is idle-expired)
//   uf:<user>            set of the user's family ids (for sign out everywhere)
// Rotation is one Lua script: it checks the presented token, marks it used and stores its
// successor with nothing in between, so two processes rotating the same token at the same
// instant get one winner, and a used token presented again revokes its family whichever
// process sees it. Expiry is Redis's: a token past its TTL is simply gone.
import { randomUUID } from 'node:crypto';
import {
  hashToken,
  newToken,
  RecentTokens,
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

// KEYS: presented token. ARGV: now, successor's hash, token TTL, absolute lifetime, grace window, prefix.
// Returns {outcome, family, user, created, successor's expiry, jkt ('' for none)} (as far as known).
const ROTATE = new LuaScript(`
  local now = tonumber(ARGV[1])
  local t = redis.call('HMGET', KEYS[1], 'family', 'expires', 'used')
  if not t[1] then return {'unknown'} end
  if tonumber(t[2]) <= now then return {'expired'} end
  local fkey = ARGV[6] .. 'f:' .. t[1]
  local f = redis.call('HMGET', fkey, 'user', 'created', 'revoked', 'jkt')
  if not f[1] or f[3] then return {'revoked'} end
  if t[3] then
    -- Used before: within the grace window the caller may know the current token, else reuse.
    if now - tonumber(t[3]) < tonumber(ARGV[5]) then return {'used', t[1], f[1], f[2], t[3]} end
    redis.call('HSET', fkey, 'revoked', ARGV[1], 'reason', 'reuse')
    return {'reuse', t[1]}
  end
  redis.call('HSET', KEYS[1], 'used', ARGV[1])
  local expires = math.min(now + tonumber(ARGV[3]), tonumber(f[2]) + tonumber(ARGV[4]))
  local next = ARGV[6] .. 't:' .. ARGV[2]
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
  private readonly recent: RecentTokens;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: StoreSettings,
  ) {
    this.recent = new RecentTokens(settings.graceWindowMs);
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

  async rotate(token: string): Promise<RotationResult> {
    const now = Date.now();
    const successor = newToken();
    const { graceWindowMs, refreshTtlMs, absoluteMs } = this.settings;
    const reply = (await ROTATE.run(
      this.redis,
      [this.key('t', hashToken(token))],
      [now, hashToken(successor), refreshTtlMs, absoluteMs, graceWindowMs, this.prefix],
    )) as string[];
    const [outcome, familyId = '', user = '', , last = '', jkt = ''] = reply;
    switch (outcome) {
      case 'rotated': {
        const issued = { token: successor, familyId, user, expiresAt: Number(last), jkt: jkt || null };
        this.recent.remember(issued, now);
        return { ok: true, kind: 'rotated', issued };
      }
      case 'used': {
        const graced = this.recent.graced(familyId, Number(last), now);
        if (graced) return { ok: true, kind: 'grace', issued: graced };
        await this.revokeFamily(familyId, 'reuse');
        return { ok: false, reason: 'reuse' };
      }
      case 'reuse':
        this.recent.forget(familyId);
        return { ok: false, reason: 'reuse' };
      default:
        return { ok: false, reason: outcome as 'unknown' | 'expired' | 'revoked' };
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
    this.recent.forget(familyId);
  }

  async revokeAllOf(user: string, reason: RevokeReason, keep: string | null = null): Promise<void> {
    await REVOKE_USER.run(this.redis, [this.key('uf', user)], [Date.now(), reason, keep ?? '', this.prefix]);
    this.recent.forget();
  }

  async familyEnd(familyId: string): Promise<number | null> {
    const [created, revoked, idle] = await this.redis.hmGet(this.key('f', familyId), ['created', 'revoked', 'idle']);
    const now = Date.now();
    const end = created && !revoked ? Number(created) + this.settings.absoluteMs : 0;
    // A family written before the idle field existed has none: its absolute end alone decides.
    return end > now && (idle === null || Number(idle) > now) ? end : null;
  }
}
