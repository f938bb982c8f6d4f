// The express-session store, behind one interface with two implementations: SQLite here
// (the embedded default) and Redis (redis/session-store.ts, for several processes). Both
// make "logout destroys the session" mean a record is deleted, and survive a restart.
//
// Records are keyed by the SHA-256 of the session id, never the id itself: the id is the
// bearer credential of cookie mode, and a leaked database must not hand it out. The user
// and the device id are indexed, so that the device list and "sign out everywhere" find
// a user's sessions. A session ends at its idle expiry (the cookie's, slid by activity)
// or at its absolute lifetime since sign-in, whichever comes first.
import { createHash } from 'node:crypto';
import session from 'express-session';
import type { Db } from './db.ts';

type Callback = (err?: unknown) => void;
type Data = session.SessionData;

/** What the server asks of a session store beyond express-session's own calls. */
export interface SessionStore extends session.Store {
  /**
   * Another store over the same records. Each express-session instance needs its own: it hangs
   * its cookie settings on the store (`store.generate`), so two instances sharing one would mix them.
   */
  twin(): SessionStore;
  /** The live session of this id, or null; read only. */
  read(sid: string): Promise<Data | null>;
  /** The live sessions of a user, oldest first. */
  sessionsOf(user: string): Promise<Data[]>;
  /** Deletes one device's session of this user; returns it (to revoke what it holds), or null. */
  destroyDevice(user: string, device: string): Promise<Data | null>;
  /** Deletes every session of the user but the device `keep` (if any); returns them. */
  destroyAllOf(user: string, keep?: string | null): Promise<Data[]>;
}

export const sessionKey = (sid: string): string => createHash('sha256').update(sid).digest('hex');

/** When a session ends (ms): its idle expiry, capped by the absolute lifetime since sign-in. */
export function sessionEndsAt(sess: Data, defaultTtlMs: number, absoluteMs: number): number {
  const expires = sess.cookie?.expires;
  const idle = expires ? new Date(expires).getTime() : Date.now() + defaultTtlMs;
  return typeof sess.createdAt === 'number' ? Math.min(idle, sess.createdAt + absoluteMs) : idle;
}

/** Runs `work` and reports its outcome to an express-session callback. */
export function settle<T>(work: () => T | Promise<T>, callback?: (err: unknown, value?: T) => void): void {
  Promise.resolve()
    .then(work)
    .then(
      (value) => callback?.(null, value),
      (err: unknown) => callback?.(err),
    );
}

export class SqliteSessionStore extends session.Store implements SessionStore {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly defaultTtlMs: number,
    private readonly absoluteMs: number,
  ) {
    super();
    this.q = {
      get: db.prepare<[string], { data: string; expires_at: number }>('SELECT data, expires_at FROM auth_sessions WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO auth_sessions (key, user, device, data, expires_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT(key) DO UPDATE SET user = excluded.user, device = excluded.device, data = excluded.data, expires_at = excluded.expires_at',
      ),
      destroy: db.prepare('DELETE FROM auth_sessions WHERE key = ?'),
      touch: db.prepare('UPDATE auth_sessions SET data = ?, expires_at = ? WHERE key = ?'),
      prune: db.prepare('DELETE FROM auth_sessions WHERE expires_at <= ?'),
      ofUser: db.prepare<[string, number], { data: string }>('SELECT data FROM auth_sessions WHERE user = ? AND expires_at > ? ORDER BY rowid'),
      deleteOfUser: db.prepare<[string, string], { data: string }>('DELETE FROM auth_sessions WHERE user = ? AND device IS NOT ? RETURNING data'),
      deleteDevice: db.prepare<[string, string], { data: string }>('DELETE FROM auth_sessions WHERE user = ? AND device = ? RETURNING data'),
    };
    this.q.prune.run(Date.now());
  }

  twin(): SqliteSessionStore {
    return new SqliteSessionStore(this.db, this.defaultTtlMs, this.absoluteMs);
  }

  private expiresAt(sess: Data): number {
    return sessionEndsAt(sess, this.defaultTtlMs, this.absoluteMs);
  }

  private readNow(sid: string): Data | null {
    const key = sessionKey(sid);
    const row = this.q.get.get(key);
    if (!row) return null;
    if (row.expires_at <= Date.now()) {
      // An expired session is gone for good, not merely hidden.
      this.q.destroy.run(key);
      return null;
    }
    return JSON.parse(row.data) as Data;
  }

  async read(sid: string): Promise<Data | null> {
    return this.readNow(sid);
  }

  async sessionsOf(user: string): Promise<Data[]> {
    return this.q.ofUser.all(user, Date.now()).map((row) => JSON.parse(row.data) as Data);
  }

  async destroyDevice(user: string, device: string): Promise<Data | null> {
    const row = this.q.deleteDevice.get(user, device);
    return row ? (JSON.parse(row.data) as Data) : null;
  }

  async destroyAllOf(user: string, keep: string | null = null): Promise<Data[]> {
    return this.q.deleteOfUser.all(user, keep ?? '').map((row) => JSON.parse(row.data) as Data);
  }

  override get(sid: string, callback: (err: unknown, session?: Data | null) => void): void {
    settle(() => this.readNow(sid), callback);
  }

  override set(sid: string, sess: Data, callback?: Callback): void {
    settle(() => void this.q.set.run(sessionKey(sid), sess.user ?? null, sess.device ?? null, JSON.stringify(sess), this.expiresAt(sess)), callback);
  }

  override destroy(sid: string, callback?: Callback): void {
    settle(() => void this.q.destroy.run(sessionKey(sid)), callback);
  }

  // Called for unmodified sessions (resave: false) to slide the idle expiry.
  override touch(sid: string, sess: Data, callback?: () => void): void {
    // express-session does pass an error argument, although its typings omit it.
    settle(() => void this.q.touch.run(JSON.stringify(sess), this.expiresAt(sess), sessionKey(sid)), callback);
  }
}
