// A real express-session Store over SQLite, so that "logout destroys the session"
// means a row is deleted, and a restart does not log everyone out.
//
// Rows are keyed by the SHA-256 of the session id, never the id itself: the id is the
// bearer credential of cookie mode, and a leaked database must not hand it out. The user
// and the device id are columns, so that the device list and "sign out everywhere" find
// a user's sessions. A session ends at its idle expiry (the cookie's, slid by activity)
// or at its absolute lifetime since sign-in, whichever comes first.
import { createHash } from 'node:crypto';
import session from 'express-session';
import type { Db } from './db.ts';

type Callback = (err?: unknown) => void;
type Data = session.SessionData;

const keyOf = (sid: string): string => createHash('sha256').update(sid).digest('hex');

export class SqliteSessionStore extends session.Store {
  private readonly q;

  constructor(private readonly db: Db, private readonly defaultTtlMs: number, private readonly absoluteMs: number) {
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

  /**
   * Another store over the same rows. Each express-session instance needs its own: it hangs
   * its cookie settings on the store (`store.generate`), so two instances sharing one would mix them.
   */
  twin(): SqliteSessionStore {
    return new SqliteSessionStore(this.db, this.defaultTtlMs, this.absoluteMs);
  }

  private expiresAt(sess: Data): number {
    const expires = sess.cookie?.expires;
    const idle = expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
    return typeof sess.createdAt === 'number' ? Math.min(idle, sess.createdAt + this.absoluteMs) : idle;
  }

  /** The live session of this id, or null; read only (an expired row is deleted, though). */
  read(sid: string): Data | null {
    const key = keyOf(sid);
    const row = this.q.get.get(key);
    if (!row) return null;
    if (row.expires_at <= Date.now()) {
      // An expired session is gone for good, not merely hidden.
      this.q.destroy.run(key);
      return null;
    }
    return JSON.parse(row.data) as Data;
  }

  /** The live sessions of a user, oldest first. */
  sessionsOf(user: string): Data[] {
    return this.q.ofUser.all(user, Date.now()).map((row) => JSON.parse(row.data) as Data);
  }

  /** Deletes one device's session of this user; returns it (to revoke what it holds), or null. */
  destroyDevice(user: string, device: string): Data | null {
    const row = this.q.deleteDevice.get(user, device);
    return row ? (JSON.parse(row.data) as Data) : null;
  }

  /** Deletes every session of the user but the device `keep` (if any); returns them. */
  destroyAllOf(user: string, keep: string | null = null): Data[] {
    return this.q.deleteOfUser.all(user, keep ?? '').map((row) => JSON.parse(row.data) as Data);
  }

  override get(sid: string, callback: (err: unknown, session?: Data | null) => void): void {
    try {
      callback(null, this.read(sid));
    } catch (err) {
      callback(err);
    }
  }

  override set(sid: string, sess: Data, callback?: Callback): void {
    try {
      this.q.set.run(keyOf(sid), sess.user ?? null, sess.device ?? null, JSON.stringify(sess), this.expiresAt(sess));
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  override destroy(sid: string, callback?: Callback): void {
    try {
      this.q.destroy.run(keyOf(sid));
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  // Called for unmodified sessions (resave: false) to slide the idle expiry.
  override touch(sid: string, sess: Data, callback?: () => void): void {
    try {
      this.q.touch.run(JSON.stringify(sess), this.expiresAt(sess), keyOf(sid));
      callback?.();
    } catch (err) {
      // express-session does pass an error argument, although its typings omit it.
      (callback as Callback | undefined)?.(err);
    }
  }
}
