// Refresh tokens: opaque random strings, organised in families (one per login).
// Every refresh rotates: the presented token is marked used and a new one is issued
// in the same family. A used token presented again means two parties hold the same
// family (a stolen token, or a buggy client): the whole family is revoked, which
// logs out both the thief and the victim, and the victim can log in again.
// A family also has an absolute lifetime from its login: rotation never extends a
// token beyond it, so a stolen family dies on schedule however busy its thief is.
//
// Reuse grace window (on by default in the reference server, 10 s): a page that sent a refresh
// and was reloaded before it could store the answer presents the same token again. Within the
// window, and only from the same session (the route decides that), the server answers with the
// family's current token instead of revoking: the same successor, never a second live branch.
// To hand out a token it does not store in plaintext, each rotation leaves on the used token a
// sealed box: its successor, AES-GCM encrypted under a key that needs both the server's seal
// secret (never in the store) and the used token's plaintext (only its hash is stored), so
// neither a copy of the store nor an old token alone opens it. A replay opens the boxes from the
// presented token down the chain to the live token.
//
// One interface, two implementations: SQLite below (the embedded default) and Redis
// (redis/refresh-tokens.ts), where one Lua script does what the transaction does here.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './db.ts';

export interface IssuedRefreshToken {
  token: string; // plaintext: goes to the client once, never stored
  familyId: string;
  user: string;
  expiresAt: number; // ms since the epoch
  jkt: string | null; // DPoP: thumbprint of the key the family is bound to, for its whole life
}

export type RotationResult =
  { ok: true; kind: 'rotated' | 'grace'; issued: IssuedRefreshToken } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reuse' };

export type RevokeReason = 'logout' | 'reuse' | 'relogin' | 'revoked' | 'password';

interface TokenRow {
  family_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  next_hash: string | null;
  successor: string | null;
  user: string;
  revoked_at: number | null;
  jkt: string | null;
}

export interface RefreshTokenStore {
  /** A new family for a fresh login, with its first token; with `jkt`, bound to that DPoP key for good. */
  startFamily(user: string, jkt?: string | null): Promise<IssuedRefreshToken>;
  /** Would `rotate` succeed right now? Read-only (used to decide whether to delay). */
  isRedeemable(token: string): Promise<boolean>;
  /**
   * Exchange a token for its successor. Atomic: two racing calls cannot both win, whatever process makes them.
   * A used token comes back as `grace` with the family's current token when it was used less than the
   * grace window ago and `sameSession` says the caller proved it is the session that used it; any other
   * use of a used token revokes the family.
   */
  rotate(token: string, sameSession?: boolean): Promise<RotationResult>;
  /** Family of a token, whatever its state (logout revokes it even if it was already used). */
  familyOf(token: string): Promise<string | undefined>;
  /** The DPoP key thumbprint a family is bound to; null when it is not bound (or not known). Never changes. */
  familyKey(familyId: string): Promise<string | null>;
  revokeFamily(familyId: string, reason: RevokeReason): Promise<void>;
  /** Every active family of the user but `keep` (sign out everywhere, password change). */
  revokeAllOf(user: string, reason: RevokeReason, keep?: string | null): Promise<void>;
  /**
   * When an active family ends at the latest (ms: its absolute end), or null if it was revoked or
   * has run out: past its absolute end, or idle, its newest token expired unrefreshed (the idle limit).
   */
  familyEnd(familyId: string): Promise<number | null>;
}

/** Checked on every API request: revoking a family also kills its access tokens. */
export async function isFamilyActive(tokens: RefreshTokenStore, familyId: string): Promise<boolean> {
  return (await tokens.familyEnd(familyId)) !== null;
}

// 32 bytes from the CSPRNG: 256 bits cannot be guessed or enumerated.
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

// Only a hash is stored: a leaked database does not leak usable tokens. A fast
// hash is fine here because the input is 256 random bits, not a password.
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Longest chain of rotations a replay walks down to the live token; more within one window is no page reload. */
export const MAX_REPLAY_CHAIN = 32;

/** Seals successors for the grace window; the secret comes from the server's, never from the store. */
export class SuccessorBoxes {
  constructor(private readonly secret: Buffer) {}

  private key(predecessor: string): Buffer {
    return createHmac('sha256', this.secret).update(predecessor).digest();
  }

  seal(predecessor: string, successor: string): string {
    const iv = randomBytes(12); // one key per predecessor, and a fresh IV anyway
    const cipher = createCipheriv('aes-256-gcm', this.key(predecessor), iv);
    const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The token at the end of the chain of boxes that starts at `presented`; undefined if any box fails to open. */
  open(presented: string, boxes: readonly string[]): string | undefined {
    let token = presented;
    try {
      for (const box of boxes) {
        const raw = Buffer.from(box, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', this.key(token), raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        token = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
      }
    } catch {
      return undefined; // a box sealed under another secret, or tampered with: no replay
    }
    return boxes.length > 0 ? token : undefined;
  }
}

export class SqliteRefreshTokens implements RefreshTokenStore {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly graceWindowMs: number,
    private readonly absoluteMs: number,
    private readonly boxes: SuccessorBoxes,
  ) {
    this.q = {
      insertFamily: db.prepare('INSERT INTO refresh_families (id, user, created_at, jkt) VALUES (?, ?, ?, ?)'),
      insertToken: db.prepare('INSERT INTO refresh_tokens (hash, family_id, issued_at, expires_at) VALUES (?, ?, ?, ?)'),
      lookup: db.prepare<[string], TokenRow>(
        `SELECT t.family_id, t.expires_at, t.used_at, t.next_hash, t.successor, f.user, f.revoked_at, f.created_at, f.jkt
           FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
          WHERE t.hash = ?`,
      ),
      link: db.prepare<[string], Pick<TokenRow, 'expires_at' | 'used_at' | 'next_hash' | 'successor'>>(
        'SELECT expires_at, used_at, next_hash, successor FROM refresh_tokens WHERE hash = ?',
      ),
      markUsed: db.prepare('UPDATE refresh_tokens SET used_at = ?, next_hash = ?, successor = ? WHERE hash = ? AND used_at IS NULL'),
      // A box is no use past the window: drop the family's old ones at each rotation.
      dropBoxes: db.prepare('UPDATE refresh_tokens SET successor = NULL WHERE family_id = ? AND used_at <= ? AND successor IS NOT NULL'),
      revoke: db.prepare('UPDATE refresh_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL'),
      familyKey: db.prepare<[string], { jkt: string | null }>('SELECT jkt FROM refresh_families WHERE id = ?'),
      familyCreated: db.prepare<[string], { created_at: number; idle_end: number | null }>(
        // idle_end: the newest token's expiry, which a refresh moves on (refresh_tokens_family index).
        `SELECT f.created_at, (SELECT MAX(t.expires_at) FROM refresh_tokens t WHERE t.family_id = f.id) AS idle_end
           FROM refresh_families f WHERE f.id = ? AND f.revoked_at IS NULL`,
      ),
      revokeUser: db.prepare('UPDATE refresh_families SET revoked_at = ?, revoked_reason = ? WHERE user = ? AND id IS NOT ? AND revoked_at IS NULL'),
    };
  }

  private issue(familyId: string, user: string, now: number, createdAt: number, jkt: string | null): IssuedRefreshToken {
    const token = newToken();
    // Idle expiry, but never past the family's absolute end.
    const expiresAt = Math.min(now + this.ttlMs, createdAt + this.absoluteMs);
    this.q.insertToken.run(hashToken(token), familyId, now, expiresAt);
    return { token, familyId, user, expiresAt, jkt };
  }

  async startFamily(user: string, jkt: string | null = null): Promise<IssuedRefreshToken> {
    const now = Date.now();
    const familyId = randomUUID();
    return this.db.transaction(() => {
      this.q.insertFamily.run(familyId, user, now, jkt);
      return this.issue(familyId, user, now, now, jkt);
    })();
  }

  async isRedeemable(token: string): Promise<boolean> {
    const row = this.q.lookup.get(hashToken(token));
    return !!row && row.expires_at > Date.now() && row.revoked_at === null && row.used_at === null;
  }

  /** The family's live token reached from a used one through its boxes, or undefined when the chain is broken. */
  private replay(token: string, row: TokenRow, now: number): IssuedRefreshToken | undefined {
    const boxes: string[] = [];
    let link: Pick<TokenRow, 'expires_at' | 'used_at' | 'next_hash' | 'successor'> | undefined = row;
    while (link?.next_hash && link.successor && boxes.length < MAX_REPLAY_CHAIN) {
      boxes.push(link.successor);
      link = this.q.link.get(link.next_hash);
      if (!link || link.expires_at <= now) return undefined;
      if (link.used_at === null) {
        const current = this.boxes.open(token, boxes);
        return current === undefined ? undefined : { token: current, familyId: row.family_id, user: row.user, expiresAt: link.expires_at, jkt: row.jkt };
      }
    }
    return undefined;
  }

  async rotate(token: string, sameSession = false): Promise<RotationResult> {
    const now = Date.now();
    const hash = hashToken(token);
    return this.db.transaction((): RotationResult => {
      const row = this.q.lookup.get(hash);
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (row.used_at !== null) {
        // The same session again within the window (a reload mid-refresh, a lost answer):
        // the current token, no new one.
        const current = sameSession && now - row.used_at < this.graceWindowMs ? this.replay(token, row, now) : undefined;
        if (current) return { ok: true, kind: 'grace', issued: current };
        // REUSE: someone is replaying a token that was already exchanged.
        this.q.revoke.run(now, 'reuse', row.family_id);
        return { ok: false, reason: 'reuse' };
      }
      // The old token dies at this very moment, the new one is born in the same family.
      const issued = this.issue(row.family_id, row.user, now, row.created_at, row.jkt);
      const box = this.graceWindowMs > 0 ? this.boxes.seal(token, issued.token) : null;
      this.q.dropBoxes.run(row.family_id, now - this.graceWindowMs);
      this.q.markUsed.run(now, hashToken(issued.token), box, hash);
      return { ok: true, kind: 'rotated', issued };
    })();
  }

  async familyOf(token: string): Promise<string | undefined> {
    return this.q.lookup.get(hashToken(token))?.family_id;
  }

  async familyKey(familyId: string): Promise<string | null> {
    return this.q.familyKey.get(familyId)?.jkt ?? null;
  }

  async revokeFamily(familyId: string, reason: RevokeReason): Promise<void> {
    this.q.revoke.run(Date.now(), reason, familyId);
  }

  async revokeAllOf(user: string, reason: RevokeReason, keep: string | null = null): Promise<void> {
    this.q.revokeUser.run(Date.now(), reason, user, keep ?? '');
  }

  async familyEnd(familyId: string): Promise<number | null> {
    const row = this.q.familyCreated.get(familyId);
    const now = Date.now();
    const end = row ? row.created_at + this.absoluteMs : 0;
    return end > now && (row?.idle_end ?? 0) > now ? end : null;
  }
}
