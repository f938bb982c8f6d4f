// One SQLite file holds everything the server must remember across a restart: the
// express-session sessions and the refresh-token families. Never the signing secrets:
// whoever copies the data must not get the keys with it (see secrets.ts).
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
  -- Earlier versions kept the secrets here and keyed sessions by the plaintext id: drop both.
  DROP TABLE IF EXISTS secrets;
  DROP TABLE IF EXISTS sessions;
  CREATE TABLE IF NOT EXISTS auth_sessions (
    key        TEXT PRIMARY KEY,          -- SHA-256 of the session id: the id itself is never stored
    user       TEXT,
    device     TEXT,
    data       TEXT NOT NULL,
    expires_at INTEGER NOT NULL           -- ms since the epoch
  );
  CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions(user);
  CREATE TABLE IF NOT EXISTS refresh_families (
    id         TEXT PRIMARY KEY,
    user       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,                   -- set on logout or on reuse detection
    revoked_reason TEXT,
    jkt        TEXT                       -- DPoP: thumbprint of the key the family is bound to, NULL if none
  );
  CREATE TABLE IF NOT EXISTS refresh_tokens (
    hash       TEXT PRIMARY KEY,          -- SHA-256 of the token: the token itself is never stored
    family_id  TEXT NOT NULL REFERENCES refresh_families(id),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,                   -- set when rotated away; presenting it again is reuse
    next_hash  TEXT,                      -- SHA-256 of the successor, set with used_at
    successor  TEXT                       -- the successor sealed for the grace window (refresh-tokens.ts), dropped after it
  );
  CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
`;

export function openDatabase(file: string): Db {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  // Files written before DPoP have no binding column: their families stay unbound.
  if (!db.prepare("SELECT 1 FROM pragma_table_info('refresh_families') WHERE name = 'jkt'").get()) {
    db.exec('ALTER TABLE refresh_families ADD COLUMN jkt TEXT');
  }
  // Files written before the replay chain: their used tokens have no box, so they are reuse as before.
  if (!db.prepare("SELECT 1 FROM pragma_table_info('refresh_tokens') WHERE name = 'successor'").get()) {
    db.exec('ALTER TABLE refresh_tokens ADD COLUMN next_hash TEXT; ALTER TABLE refresh_tokens ADD COLUMN successor TEXT');
  }
  return db;
}
