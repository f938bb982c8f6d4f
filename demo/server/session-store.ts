// A real express-session Store over SQLite, so that "logout destroys the session"
// means a row is deleted, and a restart does not log everyone out.
import session from 'express-session';
import type { Db } from './db.ts';

type Callback = (err?: unknown) => void;

export class SqliteSessionStore extends session.Store {
  private readonly statements;

  constructor(db: Db, private readonly defaultTtlMs: number) {
    super();
    this.statements = {
      get: db.prepare<[string], { data: string; expires_at: number }>('SELECT data, expires_at FROM sessions WHERE sid = ?'),
      set: db.prepare('INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at'),
      destroy: db.prepare('DELETE FROM sessions WHERE sid = ?'),
      touch: db.prepare('UPDATE sessions SET data = ?, expires_at = ? WHERE sid = ?'),
      prune: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
    this.statements.prune.run(Date.now());
  }

  private expiresAt(sess: session.SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.defaultTtlMs;
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    try {
      const row = this.statements.get.get(sid);
      if (!row) return callback(null, null);
      if (row.expires_at <= Date.now()) {
        // An expired session is gone for good, not merely hidden.
        this.statements.destroy.run(sid);
        return callback(null, null);
      }
      callback(null, JSON.parse(row.data) as session.SessionData);
    } catch (err) {
      callback(err);
    }
  }

  override set(sid: string, sess: session.SessionData, callback?: Callback): void {
    try {
      this.statements.set.run(sid, JSON.stringify(sess), this.expiresAt(sess));
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  override destroy(sid: string, callback?: Callback): void {
    try {
      this.statements.destroy.run(sid);
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  // Called for unmodified sessions (resave: false) to slide the expiry.
  override touch(sid: string, sess: session.SessionData, callback?: () => void): void {
    try {
      this.statements.touch.run(JSON.stringify(sess), this.expiresAt(sess), sid);
      callback?.();
    } catch (err) {
      // express-session does pass an error argument, although its typings omit it.
      (callback as Callback | undefined)?.(err);
    }
  }
}
