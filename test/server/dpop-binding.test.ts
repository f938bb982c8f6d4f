// DPoP at the reference server, over real HTTP, against both stores (SQLite and a real
// redis-server): a login with a proof binds the refresh family and the access tokens to the
// proof key; the API, the refresh, the session check and the logout then ask for that key; nonces
// when switched on. Proofs are made here with jose, as any DPoP client would make them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenHash } from '../../demo/server/dpop.ts';
import { startReferenceServer, type ReferenceServer } from '../../demo/server/index.ts';
import { newHolder, type Holder } from './dpop-holder.ts';
import { alice, Client, CookieJar, decodeJwt, SECRETS, tempDatabase, withServer } from './http.ts';
import { useStores } from './redis.ts';

interface Tokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
}

const STORES = useStores();
const onRedis = STORES[1]![1];

describe.each(STORES)('with %s', (_name, store) => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ ...(await store()), controls: true, secrets: SECRETS });
  });
  afterAll(() => server.close());
  beforeEach(() => server.control.reset());

  const url = (path: string) => server.url + path;
  const at = (path: string) => url(path).split('?')[0]!;

  /** Alice signed in with a proof by `key` (the proof made with `claims`, when given). */
  async function bound(key: Holder, path = '/auth/login'): Promise<{ client: Client; tokens: Tokens }> {
    const client = new Client(server.url);
    const res = await client.post(path, { json: alice, headers: { dpop: await key.proof('POST', at(path)) } });
    expect(res.status).toBe(200);
    return { client, tokens: (await res.json()) as Tokens };
  }

  /** GET /api/me with a bound token: `Authorization: DPoP` and a proof by `key` unless told otherwise. */
  async function api(client: Client, token: string, key: Holder | null, opts: { scheme?: string; claims?: Record<string, unknown>; path?: string } = {}) {
    const path = opts.path ?? '/api/me';
    const headers: Record<string, string> = { authorization: `${opts.scheme ?? 'DPoP'} ${token}` };
    if (key) headers.dpop = await key.proof('GET', at(path), { token, claims: opts.claims });
    return client.get(path, { headers });
  }

  async function refresh(client: Client, key: Holder | null, claims?: Record<string, unknown>): Promise<Response> {
    return client.post('/auth/refresh', key ? { headers: { dpop: await key.proof('POST', at('/auth/refresh'), { claims }) } } : {});
  }

  /** Whether the family is still alive for its rightful key: a refresh with it rotates. */
  async function aliveFor(client: Client, key: Holder): Promise<boolean> {
    return (await refresh(client, key)).status === 200;
  }

  const challenge = (res: Response) => res.headers.get('www-authenticate');

  /** Another party holding a copy of a refresh token in its cookie (a thief, or another device), with a CSRF cookie of its own. */
  function holding(refreshToken = ''): Client {
    const client = new Client(server.url);
    client.jar.set('XSRF-TOKEN', 'x');
    if (refreshToken) client.jar.set('tw_refresh', refreshToken, '/auth');
    return client;
  }

  describe('login', () => {
    it('with a proof: token_type DPoP, cnf.jkt is the proof key thumbprint, and the family is bound to it', async () => {
      const key = await newHolder();
      const { tokens } = await bound(key);
      expect(tokens.token_type).toBe('DPoP');
      const claims = decodeJwt(tokens.access_token);
      expect(claims.cnf).toEqual({ jkt: key.thumbprint });
      expect(await server.control.familyKey(claims.sid as string)).toBe(key.thumbprint);
      const viaHttp = await fetch(url(`/__test__/families/${claims.sid as string}`));
      expect(await viaHttp.json()).toEqual({ jkt: key.thumbprint });
    });

    it('without a proof: exactly as before, a plain Bearer token and an unbound family', async () => {
      const client = new Client(server.url);
      const res = await client.post('/auth/login', { json: alice });
      const tokens = (await res.json()) as Tokens;
      expect(tokens.token_type).toBe('Bearer');
      expect(decodeJwt(tokens.access_token).cnf).toBeUndefined();
      expect(await server.control.familyKey(decodeJwt(tokens.access_token).sid as string)).toBeNull();
      expect((await client.get('/api/me', { bearer: tokens.access_token })).status).toBe(200);
      // An unbound token is no DPoP token.
      const asDpop = await api(client, tokens.access_token, await newHolder());
      expect(asDpop.status).toBe(401);
      expect(challenge(asDpop)).toBe('DPoP error="invalid_token", algs="ES256"');
      expect((await client.post('/auth/refresh')).status).toBe(200);
    });

    it('refuses a bad proof with 400 invalid_dpop_proof before looking at the credentials: iat 10 minutes off, another URL; a replay after them', async () => {
      const key = await newHolder();
      const iat = Math.floor(Date.now() / 1000);
      const replayed = await key.proof('POST', at('/auth/login'));
      expect((await new Client(server.url).post('/auth/login', { json: alice, headers: { dpop: replayed } })).status).toBe(200);
      const wrong = { ...alice, password: 'wrong' };
      // The replay is found once the credentials check out (only then is a proof id recorded, issue 23 finding 6).
      for (const [dpop, json] of [
        [await key.proof('POST', at('/auth/login'), { claims: { iat: iat - 600 } }), wrong],
        [await key.proof('POST', at('/auth/login'), { claims: { iat: iat + 600 } }), wrong],
        [await key.proof('POST', at('/auth/refresh')), wrong],
        [await key.proof('GET', at('/auth/login')), wrong],
        [replayed, alice],
      ] as const) {
        const res = await new Client(server.url).post('/auth/login', { json, headers: { dpop } });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: 'invalid_dpop_proof' });
        expect(res.headers.getSetCookie().some((cookie) => cookie.startsWith('tw_refresh='))).toBe(false);
      }
    });

    it('htu is the URL without its query: ?refresh_in_body=1 binds the body refresh token too', async () => {
      const key = await newHolder();
      const { client, tokens } = await bound(key, '/auth/login?refresh_in_body=1');
      expect(tokens.token_type).toBe('DPoP');
      const post = async (by: Holder | null) =>
        client.post('/auth/refresh', {
          json: { refresh_token: tokens.refresh_token },
          headers: by ? { dpop: await by.proof('POST', at('/auth/refresh')) } : {},
        });
      client.jar.delete('connect.sid');
      expect((await post(null)).status).toBe(401);
      expect((await post(await newHolder())).status).toBe(401);
      const rotated = await post(key);
      expect(rotated.status).toBe(200);
      expect(await rotated.json()).toMatchObject({ token_type: 'DPoP', refresh_token: expect.any(String) });
    });
  });

  describe('the API', () => {
    it('takes a bound token as DPoP with a proof by its key over this request (the query left out of htu)', async () => {
      const key = await newHolder();
      const { client, tokens } = await bound(key);
      const res = await api(client, tokens.access_token, key);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ user: 'alice' });
      expect((await api(client, tokens.access_token, key, { path: '/api/items?page=2' })).status).toBe(200);
    });

    it('refuses it as Bearer, without a proof, by another key, without ath or with the ath of another token: 401 with a DPoP challenge', async () => {
      const key = await newHolder();
      const { client, tokens } = await bound(key);
      const token = tokens.access_token;
      const asBearer = await client.get('/api/me', { bearer: token, headers: { dpop: await key.proof('GET', at('/api/me'), { token }) } });
      expect(asBearer.status).toBe(401);
      expect(challenge(asBearer)).toBe('DPoP error="invalid_token", algs="ES256"');
      const refusals = [
        await api(client, token, null),
        await api(client, token, await newHolder()),
        await api(client, token, key, { claims: { ath: undefined } }),
        await api(client, token, key, { claims: { ath: accessTokenHash(`${token}x`) } }),
        await api(client, token, key, { claims: { htu: at('/api/other') } }),
        await api(client, token, key, { claims: { htm: 'POST' } }),
        await api(client, token, key, { claims: { iat: Math.floor(Date.now() / 1000) - 600 } }),
      ];
      for (const res of refusals) {
        expect(res.status).toBe(401);
        expect(challenge(res)).toMatch(/^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256"$/);
      }
      expect(server.control.stats().api401s).toBe(refusals.length + 1);
      expect((await api(client, token, key)).status).toBe(200); // none of that hurt the rightful holder
    });

    it('refuses a replayed proof (same jti)', async () => {
      const key = await newHolder();
      const { client, tokens } = await bound(key);
      const headers = { authorization: `DPoP ${tokens.access_token}`, dpop: await key.proof('GET', at('/api/me'), { token: tokens.access_token }) };
      expect((await client.get('/api/me', { headers })).status).toBe(200);
      const replay = await client.get('/api/me', { headers });
      expect(replay.status).toBe(401);
      expect(challenge(replay)).toMatch(/invalid_dpop_proof.*jti already used/);
    });
  });

  describe('refresh', () => {
    it('with a proof by the key: rotated, and the new access token is bound to the same key', async () => {
      const key = await newHolder();
      const { client } = await bound(key);
      const before = client.jar.get('tw_refresh');
      const res = await refresh(client, key);
      expect(res.status).toBe(200);
      const tokens = (await res.json()) as Tokens;
      expect(tokens.token_type).toBe('DPoP');
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.thumbprint });
      expect(client.jar.get('tw_refresh')).not.toBe(before);
      expect((await api(client, tokens.access_token, key)).status).toBe(200);
      expect(await aliveFor(client, key)).toBe(true);
    });

    it('without a proof or with another key: 401 invalid_grant, nothing rotated, the family alive for the rightful key', async () => {
      const key = await newHolder();
      const { client } = await bound(key);
      const stolen = client.jar.get('tw_refresh')!;
      const thief = holding(stolen);
      for (const res of [await refresh(thief, null), await refresh(thief, await newHolder()), await refresh(client, null)]) {
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: 'invalid_grant' });
        // The token is not dead, so the cookie is not cleared.
        expect(res.headers.getSetCookie().some((cookie) => cookie.startsWith('tw_refresh='))).toBe(false);
      }
      expect(client.jar.get('tw_refresh')).toBe(stolen);
      expect(server.control.stats()).toMatchObject({ rotations: 0, reuseDetections: 0 });
      expect(await aliveFor(client, key)).toBe(true);
    });

    it('a used token of a bound family replayed without the key is not a reuse detection: only the key holder can trigger one', async () => {
      const key = await newHolder();
      const { client } = await bound(key);
      const used = client.jar.get('tw_refresh')!;
      expect(await aliveFor(client, key)).toBe(true);
      const thief = holding(used);
      expect((await refresh(thief, await newHolder())).status).toBe(401);
      expect(server.control.stats().reuseDetections).toBe(0);
      expect(await aliveFor(client, key)).toBe(true);
      // The same replay with the key is reuse as ever: the family dies.
      expect((await refresh(thief, key)).status).toBe(401);
      expect(server.control.stats().reuseDetections).toBe(1);
      expect(await aliveFor(client, key)).toBe(false);
    });

    it('of an unbound family with a proof: the family stays unbound, the access token is bound to that proof key', async () => {
      const client = new Client(server.url);
      await client.login();
      const key = await newHolder();
      const tokens = (await (await refresh(client, key)).json()) as Tokens;
      expect(tokens.token_type).toBe('DPoP');
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.thumbprint });
      expect(await server.control.familyKey(decodeJwt(tokens.access_token).sid as string)).toBeNull();
      expect(await (await refresh(client, null)).json()).toMatchObject({ token_type: 'Bearer' });
    });

    it('a bad proof (iat 10 minutes off) is 400 invalid_dpop_proof, and changes nothing', async () => {
      const key = await newHolder();
      const { client } = await bound(key);
      const res = await refresh(client, key, { iat: Math.floor(Date.now() / 1000) - 600 });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_dpop_proof' });
      expect(server.control.stats().rotations).toBe(0);
      expect(await aliveFor(client, key)).toBe(true);
    });
  });

  describe('logout', () => {
    it('a thief with the refresh token but not the key cannot sign the victim out (cookie or body): 204, the family lives', async () => {
      const key = await newHolder();
      const { client } = await bound(key);
      const stolen = client.jar.get('tw_refresh')!;
      const byCookie = holding(stolen);
      expect((await byCookie.post('/auth/logout', { headers: { dpop: await (await newHolder()).proof('POST', at('/auth/logout')) } })).status).toBe(204);
      const byBody = holding();
      expect((await byBody.post('/auth/logout', { json: { refresh_token: stolen } })).status).toBe(204);
      // Nor by signing in as somebody with the victim's token in hand.
      expect((await byBody.post('/auth/login', { json: { ...alice, refresh_token: stolen } })).status).toBe(200);
      expect(await aliveFor(client, key)).toBe(true);
    });

    it('with the refresh token and a proof by its key, the family is revoked (a client without a session cookie)', async () => {
      const key = await newHolder();
      const { client } = await bound(key);
      const token = client.jar.get('tw_refresh')!;
      const res = await holding().post('/auth/logout', { json: { refresh_token: token }, headers: { dpop: await key.proof('POST', at('/auth/logout')) } });
      expect(res.status).toBe(204);
      expect(await aliveFor(client, key)).toBe(false);
    });

    it('the user’s own logout ends the bound session even without a usable proof (a lost key): the session cookie decides', async () => {
      const key = await newHolder();
      const { client, tokens } = await bound(key);
      const copy = holding(client.jar.get('tw_refresh'));
      expect((await client.post('/auth/logout', { headers: { dpop: 'not-a-proof' } })).status).toBe(204);
      expect(client.jar.get('tw_refresh')).toBeUndefined(); // cleared
      expect((await api(client, tokens.access_token, key)).status).toBe(401);
      expect(await aliveFor(copy, key)).toBe(false);
    });
  });

  describe('the session check and the device routes', () => {
    it('GET /auth/session: by the session cookie as ever; by the token alone only as DPoP with a proof; a proof problem is 400, never 401', async () => {
      const key = await newHolder();
      const { client, tokens } = await bound(key);
      expect((await client.get('/auth/session')).status).toBe(200);
      const token = tokens.access_token;
      const tokenOnly = new Client(server.url);
      const check = async (headers: Record<string, string>) => tokenOnly.get('/auth/session', { headers });
      const proof = () => key.proof('GET', at('/auth/session'), { token });
      const ok = await check({ authorization: `DPoP ${token}`, dpop: await proof() });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ active: true });
      expect((await check({ authorization: `Bearer ${token}`, dpop: await proof() })).status).toBe(401);
      const refused: Record<string, string>[] = [
        { authorization: `DPoP ${token}` },
        { authorization: `DPoP ${token}`, dpop: await (await newHolder()).proof('GET', at('/auth/session'), { token }) },
      ];
      for (const headers of refused) {
        const res = await check(headers);
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: 'invalid_dpop_proof' });
      }
    });

    it('the device list, sign-out of another device, sign-out everywhere and the password change work for bound sessions', async () => {
      const [laptopKey, phoneKey] = [await newHolder(), await newHolder()];
      const laptop = await bound(laptopKey);
      const phone = await bound(phoneKey);
      const thisDevice = async (client: Client) => {
        const list = await client.get('/auth/sessions');
        expect(list.status).toBe(200);
        return ((await list.json()) as { sessions: { id: string; current: boolean }[] }).sessions.find((s) => s.current)!.id;
      };
      await thisDevice(laptop.client);
      expect((await laptop.client.post(`/auth/sessions/${await thisDevice(phone.client)}/revoke`)).status).toBe(204);
      expect((await api(phone.client, phone.tokens.access_token, phoneKey)).status).toBe(401);
      expect(await aliveFor(phone.client, phoneKey)).toBe(false);

      const third = await bound(phoneKey);
      expect((await laptop.client.post('/auth/password', { json: { current: alice.password, next: 'wonderland' } })).status).toBe(204);
      expect(await aliveFor(third.client, phoneKey)).toBe(false);
      expect(await aliveFor(laptop.client, laptopKey)).toBe(true);
      expect((await laptop.client.post('/auth/logout-all')).status).toBe(204);
      expect(await aliveFor(laptop.client, laptopKey)).toBe(false);
    });
  });

  describe('server nonces (switched on by the test control)', () => {
    it('every /auth and /api answer carries DPoP-Nonce; a proof without it is challenged at login, refresh and API, and passes with it', async () => {
      const control = async (path: string, body: object = {}) =>
        fetch(url(`/__test__/${path}`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await control('dpop-nonce', { seconds: 300 })).status).toBe(200);
      const key = await newHolder();
      const client = new Client(server.url);

      // Login: 400 use_dpop_nonce with the nonce, then the retry with it.
      const challenged = await client.post('/auth/login', { json: alice, headers: { dpop: await key.proof('POST', at('/auth/login')) } });
      expect(challenged.status).toBe(400);
      expect(await challenged.json()).toMatchObject({ error: 'use_dpop_nonce' });
      let nonce = challenged.headers.get('dpop-nonce')!;
      expect(nonce).toMatch(/^[\w-]{22}$/);
      const login = await client.post('/auth/login', { json: alice, headers: { dpop: await key.proof('POST', at('/auth/login'), { claims: { nonce } }) } });
      expect(login.status).toBe(200);
      expect(login.headers.get('dpop-nonce')).toBe(nonce);
      const { access_token: token } = (await login.json()) as Tokens;

      // Refresh after the nonce moved on: 400 use_dpop_nonce, then success with the new one.
      expect((await control('dpop-nonce/rotate')).status).toBe(200);
      const stale = await refresh(client, key, { nonce });
      expect(stale.status).toBe(400);
      expect(await stale.json()).toMatchObject({ error: 'use_dpop_nonce' });
      nonce = stale.headers.get('dpop-nonce')!;
      const refreshed = await refresh(client, key, { nonce });
      expect(refreshed.status).toBe(200);
      const { access_token: next } = (await refreshed.json()) as Tokens;

      // API: 401 with a use_dpop_nonce challenge and the nonce, then success.
      server.control.rotateDpopNonce();
      const api401 = await api(client, next, key, { claims: { nonce } });
      expect(api401.status).toBe(401);
      expect(challenge(api401)).toMatch(/^DPoP error="use_dpop_nonce", error_description="[^"]+", algs="ES256"$/);
      nonce = api401.headers.get('dpop-nonce')!;
      expect((await api(client, next, key, { claims: { nonce } })).status).toBe(200);
      expect(server.control.stats().nonceChallenges).toBe(3);

      // A client without DPoP is not asked for anything; and the first access token, still in its lifetime, takes the nonce too.
      expect((await new Client(server.url).post('/auth/login', { json: alice })).status).toBe(200);
      expect((await api(client, token, key, { claims: { nonce } })).status).toBe(200);

      // Logout does not demand the nonce: a family named by its token alone still goes.
      const other = await client.post('/auth/login?refresh_in_body=1', {
        json: alice,
        headers: { dpop: await key.proof('POST', at('/auth/login'), { claims: { nonce } }) },
      });
      const { refresh_token: refreshToken } = (await other.json()) as Tokens;
      expect(
        (await holding().post('/auth/logout', { json: { refresh_token: refreshToken }, headers: { dpop: await key.proof('POST', at('/auth/logout')) } }))
          .status,
      ).toBe(204);
      const after = await client.post('/auth/refresh', {
        json: { refresh_token: refreshToken },
        headers: { dpop: await key.proof('POST', at('/auth/refresh'), { claims: { nonce } }) },
      });
      expect(after.status).toBe(401);

      server.control.reset(); // back to the start-up setting: no nonces
      expect((await client.get('/api/me', { bearer: 'x' })).headers.get('dpop-nonce')).toBeNull();
    });
  });
});

describe('nonces from the start-up option', () => {
  it('dpopNonce: true hands out a nonce on every /auth and /api answer, the same from servers that share the secrets', async () => {
    await withServer({ dpopNonce: true, secrets: SECRETS }, async (a) => {
      await withServer({ dpopNonce: true, secrets: SECRETS }, async (b) => {
        const nonce = (await fetch(`${a.url}/api/me`)).headers.get('dpop-nonce');
        expect(nonce).toMatch(/^[\w-]{22}$/);
        expect((await fetch(`${b.url}/auth/session`)).headers.get('dpop-nonce')).toBe(nonce);
      });
    });
    await withServer({}, async (plain) => {
      expect((await fetch(`${plain.url}/api/me`)).headers.get('dpop-nonce')).toBeNull();
    });
  });
});

describe('two processes on one Redis', () => {
  it('a bound family refreshes on either, and a proof accepted by one is a replay to the other', async () => {
    const options = { ...(await onRedis()), secrets: SECRETS };
    await withServer(options, async (a) => {
      await withServer(options, async (b) => {
        const key = await newHolder();
        const client = new Client(a.url);
        const login = await client.post('/auth/login', { json: alice, headers: { dpop: await key.proof('POST', `${a.url}/auth/login`) } });
        const { access_token: token } = (await login.json()) as Tokens;
        const onB = new Client(b.url, client.jar);
        expect((await onB.post('/auth/refresh', { headers: { dpop: await key.proof('POST', `${b.url}/auth/refresh`) } })).status).toBe(200);
        // The same proof id at both (each proof naming its own origin in htu, as behind two host names).
        const jti = randomUUID();
        const call = async (client: Client, base: string) =>
          client.get('/api/me', { headers: { authorization: `DPoP ${token}`, dpop: await key.proof('GET', `${base}/api/me`, { token, claims: { jti } }) } });
        expect((await call(client, a.url)).status).toBe(200);
        const replay = await call(onB, b.url);
        expect(replay.status).toBe(401);
        expect(replay.headers.get('www-authenticate')).toMatch(/jti already used/);
      });
    });
  });
});

describe('a database file from before DPoP', () => {
  it('gets the binding column; its families stay unbound and keep working, new logins bind', async () => {
    const db = tempDatabase();
    const options = { database: db.file, secrets: SECRETS };
    const earlier = new CookieJar();
    try {
      await withServer(options, async (server) => void (await new Client(server.url, earlier).login()));
      db.run('ALTER TABLE refresh_families DROP COLUMN jkt');
      await withServer(options, async (server) => {
        const refreshed = await new Client(server.url, earlier).post('/auth/refresh');
        expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer' });
        const key = await newHolder();
        const res = await new Client(server.url).post('/auth/login', { json: alice, headers: { dpop: await key.proof('POST', `${server.url}/auth/login`) } });
        expect(decodeJwt(((await res.json()) as Tokens).access_token).cnf).toEqual({ jkt: key.thumbprint });
        expect(db.query<{ jkt: string | null }>('SELECT jkt FROM refresh_families ORDER BY created_at')).toEqual([{ jkt: null }, { jkt: key.thumbprint }]);
      });
    } finally {
      db.cleanup();
    }
  });
});
