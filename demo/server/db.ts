// One SQLite file holds everything the server must remember across a restart:
// the signing secrets, the express-session sessions and the refresh-token families.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS sessions (
    sid        TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at INTEGER NOT NULL           -- ms since the epoch
  );
  CREATE TABLE IF NOT EXISTS refresh_families (
    id         TEXT PRIMARY KEY,
    user       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,                   -- set on logout or on reuse detection
    revoked_reason TEXT
  );
  CREATE TABLE IF NOT EXISTS refresh_tokens (
    hash       TEXT PRIMARY KEY,          -- SHA-256 of the token: the token itself is never stored
    family_id  TEXT NOT NULL REFERENCES refresh_families(id),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER                    -- set when rotated away; presenting it again is reuse
  );
  CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
`;

export function openDatabase(file: string): Db {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

/**
 * A random secret created once and then kept in the DB, so that a restart on the
 * same file keeps signed JWTs and session cookies valid.
 */
export function persistentSecret(db: Db, name: string): Buffer {
  db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(name, randomBytes(32).toString('base64url'));
  const row = db.prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: string };
  return Buffer.from(row.value, 'base64url');
}
