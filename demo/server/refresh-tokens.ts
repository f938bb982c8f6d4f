// Refresh tokens: opaque random strings, organised in families (one per login).
// Every refresh rotates: the presented token is marked used and a new one is issued
// in the same family. A used token presented again means two parties hold the same
// family (a stolen token, or a buggy client): the whole family is revoked, which
// logs out both the thief and the victim, and the victim can log in again.
// A family also has an absolute lifetime from its login: rotation never extends a
// token beyond it, so a stolen family dies on schedule however busy its thief is.
//
// One interface, two implementations: SQLite below (the embedded default) and Redis
// (redis/refresh-tokens.ts), where one Lua script does what the transaction does here.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
  user: string;
  revoked_at: number | null;
  jkt: string | null;
}

export interface RefreshTokenStore {
  /** A new family for a fresh login, with its first token; with `jkt`, bound to that DPoP key for good. */
  startFamily(user: string, jkt?: string | null): Promise<IssuedRefreshToken>;
  /** Would `rotate` succeed right now? Read-only (used to decide whether to delay). */
  isRedeemable(token: string): Promise<boolean>;
  /** Exchange a token for its successor. Atomic: two racing calls cannot both win, whatever process makes them. */
  rotate(token: string): Promise<RotationResult>;
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

/**
 * Grace window only: the plaintext of each family's newest token, kept in this process's
 * memory for graceWindow ms after a rotation so that a duplicate request racing the first
 * one can be handed the same token. Never written to a store, so with several processes
 * only a duplicate that reaches the process which rotated gets it (the others see reuse).
 */
export class RecentTokens {
  private readonly recent = new Map<string, { issued: IssuedRefreshToken; until: number }>();

  constructor(readonly graceWindowMs: number) {}

  remember(issued: IssuedRefreshToken, now: number): void {
    if (this.graceWindowMs <= 0) return;
    for (const [id, entry] of this.recent) if (entry.until <= now) this.recent.delete(id);
    this.recent.set(issued.familyId, { issued, until: now + this.graceWindowMs });
  }

  /** The family's current token if its predecessor, used at `usedAt`, may still be presented. */
  graced(familyId: string, usedAt: number, now: number): IssuedRefreshToken | undefined {
    const recent = this.recent.get(familyId);
    return this.graceWindowMs > 0 && now - usedAt < this.graceWindowMs && recent && recent.until > now ? recent.issued : undefined;
  }

  forget(familyId?: string): void {
    if (familyId === undefined) this.recent.clear();
    else this.recent.delete(familyId);
  }
}

export class SqliteRefreshTokens implements RefreshTokenStore {
  private readonly q;
  private readonly recent: RecentTokens;

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    graceWindowMs: number,
    private readonly absoluteMs: number,
  ) {
    this.recent = new RecentTokens(graceWindowMs);
    this.q = {
      insertFamily: db.prepare('INSERT INTO refresh_families (id, user, created_at, jkt) VALUES (?, ?, ?, ?)'),
      insertToken: db.prepare('INSERT INTO refresh_tokens (hash, family_id, issued_at, expires_at) VALUES (?, ?, ?, ?)'),
      lookup: db.prepare<[string], TokenRow>(
        `SELECT t.family_id, t.expires_at, t.used_at, f.user, f.revoked_at, f.created_at, f.jkt
           FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
          WHERE t.hash = ?`,
      ),
      markUsed: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
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

  async rotate(token: string): Promise<RotationResult> {
    const now = Date.now();
    const hash = hashToken(token);
    return this.db.transaction((): RotationResult => {
      const row = this.q.lookup.get(hash);
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (row.used_at !== null) {
        // Server choice, off by default: a duplicate within the grace window (two
        // tabs, a retried request whose response was lost) gets the current token
        // instead of killing the family.
        const graced = this.recent.graced(row.family_id, row.used_at, now);
        if (graced) return { ok: true, kind: 'grace', issued: graced };
        // REUSE: someone is replaying a token that was already exchanged.
        this.revokeNow(row.family_id, 'reuse');
        return { ok: false, reason: 'reuse' };
      }
      // The old token dies at this very moment, the new one is born in the same family.
      this.q.markUsed.run(now, hash);
      const issued = this.issue(row.family_id, row.user, now, row.created_at, row.jkt);
      this.recent.remember(issued, now);
      return { ok: true, kind: 'rotated', issued };
    })();
  }

  async familyOf(token: string): Promise<string | undefined> {
    return this.q.lookup.get(hashToken(token))?.family_id;
  }

  async familyKey(familyId: string): Promise<string | null> {
    return this.q.familyKey.get(familyId)?.jkt ?? null;
  }

  private revokeNow(familyId: string, reason: RevokeReason): void {
    this.q.revoke.run(Date.now(), reason, familyId);
    this.recent.forget(familyId);
  }

  async revokeFamily(familyId: string, reason: RevokeReason): Promise<void> {
    this.revokeNow(familyId, reason);
  }

  async revokeAllOf(user: string, reason: RevokeReason, keep: string | null = null): Promise<void> {
    this.q.revokeUser.run(Date.now(), reason, user, keep ?? '');
    this.recent.forget();
  }

  async familyEnd(familyId: string): Promise<number | null> {
    const row = this.q.familyCreated.get(familyId);
    const now = Date.now();
    const end = row ? row.created_at + this.absoluteMs : 0;
    return end > now && (row?.idle_end ?? 0) > now ? end : null;
  }
}
