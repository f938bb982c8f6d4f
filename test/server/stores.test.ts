// The stores behind the reference server, the same tests against both implementations:
// SQLite (a temporary file) and a real redis-server. Each test opens two store instances on
// the same data, standing for two server processes, and works through both.
import { randomBytes, randomUUID } from 'node:crypto';
import type { SessionData } from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../demo/server/redis/client.ts';
import { openRedisStores } from '../../demo/server/redis/index.ts';
import { isFamilyActive } from '../../demo/server/refresh-tokens.ts';
import { openSqliteStores, type Stores, type StoreSettings } from '../../demo/server/stores.ts';
import { tempDatabase } from './http.ts';
import { startRedis, type RedisServer } from './redis.ts';

const SETTINGS: StoreSettings = { refreshTtlMs: 60_000, absoluteMs: 120_000, graceWindowMs: 0, sealSecret: randomBytes(32) };

let redis: RedisServer | undefined;
const db = tempDatabase();
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  db.cleanup();
});

/** Opens stores on one backing store: a fresh one per call of `backing()`, shared by its `open`s. */
const BACKENDS: [string, () => (settings?: Partial<StoreSettings>) => Promise<Stores>][] = [
  [
    'SQLite',
    () => {
      const file = `${db.file}-${randomUUID()}`;
      return async (settings = {}) => openSqliteStores(file, { ...SETTINGS, ...settings });
    },
  ],
  [
    'Redis',
    () => {
      const prefix = `test:${randomUUID()}:`;
      return (settings = {}) => openRedisStores(redis!.url, { ...SETTINGS, ...settings }, prefix);
    },
  ],
];

/** Nothing to wait for but the clock: expiry is a time, not an event. */
const pass = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const session = (user: string, device: string, createdAt = Date.now(), idleMs = 60_000): SessionData =>
  ({ cookie: { originalMaxAge: idleMs, expires: new Date(Date.now() + idleMs) }, user, device, createdAt, lastSeen: createdAt, label: device }) as SessionData;

const save = (stores: Stores, sid: string, data: SessionData) =>
  new Promise<void>((resolve, reject) => stores.sessions.set(sid, data, (err) => (err ? reject(err as Error) : resolve())));
const load = (stores: Stores, sid: string) =>
  new Promise<SessionData | null | undefined>((resolve, reject) => stores.sessions.get(sid, (err, data) => (err ? reject(err as Error) : resolve(data))));
const destroy = (stores: Stores, sid: string) =>
  new Promise<void>((resolve, reject) => stores.sessions.destroy(sid, (err) => (err ? reject(err as Error) : resolve())));

describe.each(BACKENDS)('%s stores', (_name, backing) => {
  /** Two instances ("processes") on one fresh backing store, closed after the test. */
  async function twoProcesses(settings: Partial<StoreSettings> = {}, test: (a: Stores, b: Stores) => Promise<void>): Promise<void> {
    const open = backing();
    const [a, b] = [await open(settings), await open(settings)];
    try {
      await test(a, b);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }

  it('rotates: the presented token dies, its successor works in the same family, on either process', () =>
    twoProcesses({}, async (a, b) => {
      const first = await a.refreshTokens.startFamily('alice');
      expect(await b.refreshTokens.isRedeemable(first.token)).toBe(true);
      const second = await b.refreshTokens.rotate(first.token);
      expect(second).toMatchObject({ ok: true, kind: 'rotated', issued: { familyId: first.familyId, user: 'alice' } });
      if (!second.ok) return;
      expect(second.issued.token).not.toBe(first.token);
      expect(await a.refreshTokens.isRedeemable(first.token)).toBe(false);
      expect(await a.refreshTokens.familyOf(first.token)).toBe(first.familyId);
      expect(await a.refreshTokens.familyOf(second.issued.token)).toBe(first.familyId);
      expect(await a.refreshTokens.rotate(second.issued.token)).toMatchObject({ ok: true, kind: 'rotated' });
    }));

  it('gives exactly one winner when two processes rotate the same token at once', () =>
    twoProcesses({}, async (a, b) => {
      const { token } = await a.refreshTokens.startFamily('alice');
      const results = await Promise.all([a.refreshTokens.rotate(token), b.refreshTokens.rotate(token)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'reuse' });
    }));

  it('binds a family to a DPoP key for good: every process sees the key, and every successor carries it', () =>
    twoProcesses({ graceWindowMs: 60_000 }, async (a, b) => {
      const jkt = 'x'.repeat(43);
      const first = await a.refreshTokens.startFamily('alice', jkt);
      const unbound = await a.refreshTokens.startFamily('alice');
      expect([first.jkt, unbound.jkt]).toEqual([jkt, null]);
      expect(await b.refreshTokens.familyKey(first.familyId)).toBe(jkt);
      expect(await b.refreshTokens.familyKey(unbound.familyId)).toBeNull();
      expect(await b.refreshTokens.familyKey('never-started')).toBeNull();
      const second = await b.refreshTokens.rotate(first.token);
      expect(second).toMatchObject({ ok: true, kind: 'rotated', issued: { jkt } });
      expect(await b.refreshTokens.rotate(first.token, true)).toMatchObject({ ok: true, kind: 'grace', issued: { jkt } });
      expect(await a.refreshTokens.rotate(unbound.token)).toMatchObject({ ok: true, issued: { jkt: null } });
    }));

  it('revokes the family when a used token is presented again to the other process', () =>
    twoProcesses({}, async (a, b) => {
      const first = await a.refreshTokens.startFamily('alice');
      const second = await a.refreshTokens.rotate(first.token);
      expect(await b.refreshTokens.rotate(first.token)).toEqual({ ok: false, reason: 'reuse' });
      expect(second.ok && (await a.refreshTokens.rotate(second.issued.token))).toEqual({ ok: false, reason: 'revoked' });
      expect(await a.refreshTokens.familyEnd(first.familyId)).toBeNull();
    }));

  it('issue 24: the same session replaying a used token within the grace window gets the live token on any process, never a new one', () =>
    twoProcesses({ graceWindowMs: 10_000 }, async (a, b) => {
      const first = await a.refreshTokens.startFamily('alice');
      const second = await a.refreshTokens.rotate(first.token);
      if (!second.ok) throw new Error('rotation failed');
      // A page reloaded before it stored `second` replays `first`, through the other process, twice.
      for (const store of [b, a, b]) {
        expect(await store.refreshTokens.rotate(first.token, true)).toEqual({ ok: true, kind: 'grace', issued: second.issued });
      }
      // One branch: the successor rotates as ever, and a later replay of `first` leads to its successor.
      const third = await b.refreshTokens.rotate(second.issued.token);
      if (!third.ok) throw new Error('rotation failed');
      expect(third.kind).toBe('rotated');
      expect(await a.refreshTokens.rotate(first.token, true)).toEqual({ ok: true, kind: 'grace', issued: third.issued });
      expect(await b.refreshTokens.rotate(second.issued.token, true)).toEqual({ ok: true, kind: 'grace', issued: third.issued });
      expect(await a.refreshTokens.isRedeemable(third.issued.token)).toBe(true);
      expect(await a.refreshTokens.familyEnd(first.familyId)).not.toBeNull();
    }));

  it('issue 24: a replay racing the rotation of its successor on the other process leaves one live branch', () =>
    twoProcesses({ graceWindowMs: 10_000 }, async (a, b) => {
      const first = await a.refreshTokens.startFamily('alice');
      const second = await a.refreshTokens.rotate(first.token);
      if (!second.ok) throw new Error('rotation failed');
      const [replayed, rotated] = await Promise.all([a.refreshTokens.rotate(first.token, true), b.refreshTokens.rotate(second.issued.token)]);
      if (!replayed.ok || !rotated.ok) throw new Error(`lost the family: ${JSON.stringify([replayed, rotated])}`);
      // The replay got the successor before its rotation, or its own successor after: either way on the one chain.
      expect([second.issued.token, rotated.issued.token]).toContain(replayed.issued.token);
      expect(await b.refreshTokens.rotate(replayed.issued.token, true)).toMatchObject({ ok: true, issued: { token: rotated.issued.token } });
      expect(await a.refreshTokens.isRedeemable(rotated.issued.token)).toBe(true);
    }));

  it('issue 24: a used token replayed by another session, past the window, or with grace 0 revokes the family', async () => {
    const cases: [Partial<StoreSettings>, boolean, number][] = [
      [{ graceWindowMs: 10_000 }, false, 0], // not the session that used it
      [{ graceWindowMs: 200 }, true, 300], // the window has passed
      [{ graceWindowMs: 0 }, true, 0], // strict rotation
    ];
    for (const [settings, sameSession, wait] of cases) {
      await twoProcesses(settings, async (a) => {
        const first = await a.refreshTokens.startFamily('alice');
        const second = await a.refreshTokens.rotate(first.token);
        await pass(wait);
        expect(await a.refreshTokens.rotate(first.token, sameSession)).toEqual({ ok: false, reason: 'reuse' }); // on the process that rotated
        expect(second.ok && (await a.refreshTokens.rotate(second.issued.token, true))).toEqual({ ok: false, reason: 'revoked' });
      });
    }
  });

  it('revokes one family, or all of a user but one, for every process', () =>
    twoProcesses({}, async (a, b) => {
      const [one, two, three] = [
        await a.refreshTokens.startFamily('alice'),
        await a.refreshTokens.startFamily('alice'),
        await a.refreshTokens.startFamily('alice'),
      ];
      const bob = await a.refreshTokens.startFamily('bob');
      await b.refreshTokens.revokeFamily(one.familyId, 'logout');
      expect(await a.refreshTokens.rotate(one.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await isFamilyActive(a.refreshTokens, one.familyId)).toBe(false);
      await b.refreshTokens.revokeAllOf('alice', 'revoked', three.familyId);
      expect(await a.refreshTokens.isRedeemable(two.token)).toBe(false);
      expect(await a.refreshTokens.isRedeemable(three.token)).toBe(true);
      expect(await a.refreshTokens.isRedeemable(bob.token)).toBe(true);
      expect(await a.refreshTokens.rotate('never-issued')).toEqual({ ok: false, reason: 'unknown' });
    }));

  it('lets a token expire after its idle lifetime', () =>
    twoProcesses({ refreshTtlMs: 300 }, async (a, b) => {
      const { token, expiresAt } = await a.refreshTokens.startFamily('alice');
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(300);
      await pass(400);
      expect(await b.refreshTokens.isRedeemable(token)).toBe(false);
      expect((await b.refreshTokens.rotate(token)).ok).toBe(false);
    }));

  it('ends a family at its absolute lifetime although it keeps rotating', () =>
    twoProcesses({ absoluteMs: 600 }, async (a, b) => {
      const first = await a.refreshTokens.startFamily('alice');
      const end = await b.refreshTokens.familyEnd(first.familyId);
      expect(end).toBeGreaterThan(Date.now());
      const second = await b.refreshTokens.rotate(first.token);
      expect(second.ok && second.issued.expiresAt).toBeLessThanOrEqual(end!); // rotation never extends the family
      await pass(end! - Date.now() + 50);
      expect(await a.refreshTokens.familyEnd(first.familyId)).toBeNull();
      expect(second.ok && (await a.refreshTokens.rotate(second.issued.token)).ok).toBe(false);
    }));

  it('keeps sessions under a hash of their id, readable and destroyable from either process', () =>
    twoProcesses({}, async (a, b) => {
      const sid = randomUUID();
      await save(a, sid, session('alice', 'd1'));
      expect(await load(b, sid)).toMatchObject({ user: 'alice', device: 'd1' });
      expect(await b.sessions.read(sid)).toMatchObject({ user: 'alice' });
      await destroy(b, sid);
      expect(await a.sessions.read(sid)).toBeNull();
    }));

  it('lists a user’s live devices oldest first, and signs out one or all but one', () =>
    twoProcesses({}, async (a, b) => {
      const t = Date.now();
      await save(a, 's1', session('alice', 'd1', t - 3000));
      await save(b, 's2', session('alice', 'd2', t - 2000));
      await save(a, 's3', session('alice', 'd3', t - 1000));
      await save(b, 's4', session('bob', 'd4'));
      expect((await b.sessions.sessionsOf('alice')).map((s) => s.device)).toEqual(['d1', 'd2', 'd3']);
      expect(await a.sessions.destroyDevice('alice', 'd2')).toMatchObject({ device: 'd2' });
      expect(await b.sessions.destroyDevice('alice', 'd2')).toBeNull();
      expect((await b.sessions.destroyAllOf('alice', 'd3')).map((s) => s.device)).toEqual(['d1']);
      expect((await a.sessions.sessionsOf('alice')).map((s) => s.device)).toEqual(['d3']);
      expect(await a.sessions.read('s1')).toBeNull();
      expect((await a.sessions.sessionsOf('bob')).map((s) => s.device)).toEqual(['d4']);
    }));

  it('gives the session check nothing once a session reached its idle expiry or its absolute lifetime', () =>
    twoProcesses({ absoluteMs: 60_000 }, async (a, b) => {
      await save(a, 'idle', session('alice', 'd1', Date.now(), 300));
      await save(a, 'old', session('alice', 'd2', Date.now() - 60_000 + 300));
      await save(a, 'live', session('alice', 'd3'));
      expect(await b.sessions.read('idle')).not.toBeNull();
      expect(await b.sessions.read('old')).not.toBeNull();
      await pass(400);
      expect(await b.sessions.read('idle')).toBeNull();
      expect(await b.sessions.read('old')).toBeNull();
      expect((await b.sessions.sessionsOf('alice')).map((s) => s.device)).toEqual(['d3']);
    }));

  it('counts login attempts per key within the window: all keys or none, room again when the oldest leaves or one is withdrawn', () =>
    twoProcesses({}, async (a) => {
      const now = Date.now();
      const keys = (user: number) => [
        { key: 'u:alice', limit: user },
        { key: 'a:1', limit: 3 },
      ];
      expect(await a.loginAttempts.begin(keys(2), 'one', now - 2000, 10_000)).toBe(0);
      expect(await a.loginAttempts.begin(keys(2), 'two', now, 10_000)).toBe(0);
      // alice is full: the oldest of her attempts leaves the window 8 s from now; nothing is recorded.
      expect(await a.loginAttempts.begin(keys(2), 'three', now, 10_000)).toBe(8000);
      expect(await a.loginAttempts.begin([{ key: 'a:1', limit: 3 }], 'four', now, 10_000)).toBe(0);
      expect(await a.loginAttempts.begin([{ key: 'a:1', limit: 3 }], 'five', now, 10_000)).toBe(8000);
      await a.loginAttempts.withdraw(['u:alice', 'a:1'], 'two');
      expect(await a.loginAttempts.begin(keys(2), 'six', now, 10_000)).toBe(0);
      // Past the window, the first attempt no longer counts.
      expect(await a.loginAttempts.begin(keys(2), 'seven', now + 8001, 10_000)).toBe(0);
    }));
});

describe('Redis stores only', () => {
  it('leave expiry to Redis: every key has a TTL, and no key or value holds a session id or a token', async () => {
    const prefix = `test:${randomUUID()}:`;
    const stores = await openRedisStores(redis!.url, SETTINGS, prefix);
    const raw = await connectRedis(redis!.url);
    try {
      const sid = randomUUID();
      await save(stores, sid, session('alice', 'd1'));
      const first = await stores.refreshTokens.startFamily('alice');
      const second = await stores.refreshTokens.rotate(first.token);
      await stores.loginAttempts.begin([{ key: 'u:alice', limit: 5 }], 'attempt', Date.now(), 10_000);
      const keys = await raw.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(7); // session, its user index, family, its user index, two tokens, an attempt log
      for (const key of keys) expect(await raw.pTTL(key), key).toBeGreaterThan(0);
      const dump = JSON.stringify(await Promise.all(keys.map((key) => raw.dump(key))));
      for (const secret of [sid, first.token, second.ok ? second.issued.token : 'x']) {
        expect(keys.join(' ')).not.toContain(secret);
        expect(dump).not.toContain(secret);
      }
    } finally {
      await Promise.all([stores.close(), raw.close()]);
    }
  });

  it('share the login throttle between processes', async () => {
    const open = BACKENDS[1]![1]();
    const [a, b] = [await open(), await open()];
    try {
      const alice = [{ key: 'u:alice', limit: 1 }];
      expect(await a.loginAttempts.begin(alice, 'in a', Date.now(), 10_000)).toBe(0);
      expect(await b.loginAttempts.begin(alice, 'in b', Date.now(), 10_000)).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
