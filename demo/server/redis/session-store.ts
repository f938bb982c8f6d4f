// express-sessions in Redis through connect-redis, keyed (like the SQLite store) by the
// SHA-256 of the session id, never the id itself. Each record expires through its Redis TTL
// at the session's end (idle expiry capped by the absolute lifetime). A set per user
// (us:<user>) lists the keys of the user's sessions for the device list and "sign out
// everywhere"; keys whose session has expired are dropped from it as they are met.
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { sessionEndsAt, sessionKey, settle, type SessionStore } from '../session-store.ts';
import type { StoreSettings } from '../store-types.ts';
import { ADD_TO_SET, LuaScript, type Redis } from './client.ts';

type Callback = (err?: unknown) => void;

const INDEX = new LuaScript(`${ADD_TO_SET} add_to_set(KEYS[1], ARGV[1], ARGV[2])`);

export class RedisSessionStore extends RedisStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyspace: string,
    private readonly settings: StoreSettings,
  ) {
    super({ client: redis, prefix: `${keyspace}s:`, ttl: (sess: SessionData) => Math.ceil((this.endOf(sess) - Date.now()) / 1000) });
  }

  twin(): RedisSessionStore {
    return new RedisSessionStore(this.redis, this.keyspace, this.settings);
  }

  private endOf(sess: SessionData): number {
    return sessionEndsAt(sess, this.settings.refreshTtlMs, this.settings.absoluteMs);
  }

  private userSet(user: string): string {
    return `${this.keyspace}us:${user}`;
  }

  /** A stored record if it is still live (Redis TTLs are whole seconds; the end is in ms). */
  private live(raw: string | null): SessionData | null {
    const sess = raw ? (JSON.parse(raw) as SessionData) : null;
    return sess && this.endOf(sess) > Date.now() ? sess : null;
  }

  async read(sid: string): Promise<SessionData | null> {
    return this.live(await this.redis.get(this.prefix + sessionKey(sid)));
  }

  /** The user's live sessions with their keys, oldest first. */
  private async entries(user: string): Promise<{ key: string; data: SessionData }[]> {
    const keys = await this.redis.sMembers(this.userSet(user));
    if (keys.length === 0) return [];
    const values = await this.redis.mGet(keys.map((key) => this.prefix + key));
    const entries = keys.map((key, i) => ({ key, data: this.live(values[i] ?? null) }));
    const gone = entries.filter((entry) => !entry.data).map((entry) => entry.key);
    if (gone.length) await this.redis.sRem(this.userSet(user), gone);
    return entries
      .filter((entry): entry is { key: string; data: SessionData } => !!entry.data)
      .sort((a, b) => (a.data.createdAt ?? 0) - (b.data.createdAt ?? 0));
  }

  /** Deletes these sessions; returns those this call deleted (another process may have been first). */
  private async remove(user: string, entries: { key: string; data: SessionData }[]): Promise<SessionData[]> {
    const removed: SessionData[] = [];
    for (const { key, data } of entries) if ((await this.redis.del(this.prefix + key)) === 1) removed.push(data);
    if (entries.length)
      await this.redis.sRem(
        this.userSet(user),
        entries.map((entry) => entry.key),
      );
    return removed;
  }

  async sessionsOf(user: string): Promise<SessionData[]> {
    return (await this.entries(user)).map((entry) => entry.data);
  }

  async destroyDevice(user: string, device: string): Promise<SessionData | null> {
    const [removed = null] = await this.remove(
      user,
      (await this.entries(user)).filter((entry) => entry.data.device === device),
    );
    return removed;
  }

  async destroyAllOf(user: string, keep: string | null = null): Promise<SessionData[]> {
    return this.remove(
      user,
      (await this.entries(user)).filter((entry) => entry.data.device !== keep),
    );
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): Promise<void> {
    return new Promise((done) =>
      settle(
        () => this.read(sid),
        (err, sess) => done(void callback(err, sess)),
      ),
    );
  }

  override set(sid: string, sess: SessionData, callback?: Callback): Promise<void> {
    const key = sessionKey(sid);
    const end = this.endOf(sess);
    return new Promise((done) =>
      settle(
        async () => {
          if (end <= Date.now()) return void (await this.redis.del(this.prefix + key));
          await super.set(key, sess);
          if (sess.user) await INDEX.run(this.redis, [this.userSet(sess.user)], [key, end]);
        },
        (err) => done(void callback?.(err)),
      ),
    );
  }

  override destroy(sid: string, callback?: Callback): Promise<void> {
    return super.destroy(sessionKey(sid), callback);
  }

  override touch(sid: string, sess: SessionData, callback?: Callback): Promise<void> {
    return super.touch(sessionKey(sid), sess, callback);
  }
}
