import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../demo/server/index.ts';
import { alice, Client, decodeJwt, SECRETS, sessionId, sessionKey, setCookies, tempDatabase, useServer, withServer } from './http.ts';

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';
const db = tempDatabase();
const server = useServer({ db, controls: true, secrets: SECRETS });

function sessionRows(sid: string): number {
  return db.query('SELECT key FROM auth_sessions WHERE key = ?', sessionKey(sid)).length;
}

/** Another browser holding a copied (replayed, racing) refresh token, with a CSRF cookie of its own. */
function browserHolding(url: string, refreshToken: string): Client {
  const client = new Client(url);
  client.jar.set('XSRF-TOKEN', 'x');
  client.jar.set('tw_refresh', refreshToken, '/auth');
  return client;
}

/** Why the refresh-token family of an access token was revoked, if it was. */
function revokedReason(accessToken: string): string | undefined {
  const [family] = db.query<{ revoked_reason: string }>('SELECT revoked_reason FROM refresh_families WHERE id = ?', decodeJwt(accessToken).sid);
  return family?.revoked_reason;
}

function jwtSecret(): Buffer {
  return Buffer.from(SECRETS.jwt);
}

describe('login', () => {
  it('answers with a JWT and sets an HttpOnly SameSite=Lax refresh cookie and a readable CSRF cookie', async () => {
    const client = new Client(server.url);
    const sentAt = Date.now();
    const res = await client.post('/auth/login', { json: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 20 });
    const claims = decodeJwt(body.access_token as string);
    expect(claims).toEqual({ sub: 'alice', iat: expect.any(Number), exp: expect.any(Number), jti: expect.any(String), sid: expect.any(String) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(20);
    // The token lives at the server at least as long as `expires_in` tells the client, from when it was asked for.
    expect((claims.exp as number) * 1000).toBeGreaterThanOrEqual(sentAt + 20_000);

    const cookies = setCookies(res);
    const refresh = cookies.get('tw_refresh')!;
    expect(refresh.value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(refresh.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/auth', 'max-age': '28800' });
    expect(refresh.attributes.secure).toBeUndefined();

    const csrf = cookies.get('XSRF-TOKEN')!;
    expect(csrf.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrf.attributes).toMatchObject({ samesite: 'Lax', path: '/' });
    expect(csrf.attributes.httponly).toBeUndefined(); // the page must be able to read it

    const session = cookies.get('connect.sid')!;
    expect(session.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });

    // Only the SHA-256 of the refresh token is stored.
    const hash = createHash('sha256').update(refresh.value).digest('hex');
    expect(db.query('SELECT hash FROM refresh_tokens WHERE hash = ?', hash)).toHaveLength(1);
    expect(db.query('SELECT hash FROM refresh_tokens WHERE hash = ?', refresh.value)).toHaveLength(0);
  });

  it('rejects wrong credentials with 401 invalid_credentials and a malformed body with 400', async () => {
    const client = new Client(server.url);
    for (const json of [
      { username: 'alice', password: 'nope' },
      { username: 'bob', password: 'wonderland' },
    ]) {
      const res = await client.post('/auth/login', { json });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_credentials' });
      expect(setCookies(res).has('tw_refresh')).toBe(false);
    }
    expect((await client.post('/auth/login', { json: { username: 'alice' } })).status).toBe(400);
  });

  it('does not need the CSRF header, but rejects a wrong one', async () => {
    const client = new Client(server.url);
    expect((await client.post('/auth/login', { json: alice, csrf: 'forged' })).status).toBe(403);
    expect((await client.post('/auth/login', { json: alice, csrf: false })).status).toBe(200);
    expect((await client.post('/auth/login', { json: alice })).status).toBe(200);
  });

  it('regenerates the session id at login and deletes the old session', async () => {
    const client = new Client(server.url);
    await client.login();
    const before = sessionId(client.jar.get('connect.sid')!);
    expect(sessionRows(before)).toBe(1);
    await client.login();
    const after = sessionId(client.jar.get('connect.sid')!);
    expect(after).not.toBe(before);
    expect(sessionRows(before)).toBe(0);
    expect(sessionRows(after)).toBe(1);
  });
});

describe('refresh', () => {
  it('rotates: a new refresh token and access token, and the old refresh token is dead at once', async () => {
    const client = new Client(server.url);
    const firstAccess = await client.login();
    const old = client.jar.get('tw_refresh')!;
    const res = await client.post('/auth/refresh');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 20 });
    expect(body.access_token).not.toBe(firstAccess);
    expect(decodeJwt(body.access_token).sid).toBe(decodeJwt(firstAccess).sid); // same family
    const rotated = setCookies(res).get('tw_refresh')!;
    expect(rotated.value).not.toBe(old);
    expect(rotated.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/auth', 'max-age': '28800' });
    expect(server.control.stats().rotations).toBe(1);

    // Dead for anyone but its own session within the grace window (reuse-grace.test.ts).
    const again = await browserHolding(server.url, old).post('/auth/refresh');
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
  });

  it('revokes the whole family when a rotated-away token is reused, and counts it', async () => {
    const client = new Client(server.url);
    await client.login();
    const old = client.jar.get('tw_refresh')!;
    expect((await client.post('/auth/refresh')).status).toBe(200);
    const newest = client.jar.get('tw_refresh')!;
    const access = ((await (await client.post('/auth/refresh')).json()) as { access_token: string }).access_token;
    const newer = client.jar.get('tw_refresh')!;
    expect(newer).not.toBe(newest);

    // The attacker replays the first token.
    const attacker = browserHolding(server.url, old);
    expect((await attacker.post('/auth/refresh')).status).toBe(401);
    expect(server.control.stats().reuseDetections).toBe(1);

    // The legitimate holder of the newest token is out too, and so is its access token.
    const res = await client.post('/auth/refresh');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
    expect((await client.get('/api/me', { bearer: access })).status).toBe(401);
    expect(revokedReason(access)).toBe('reuse');
  });

  it('rejects an unknown token and a missing token with invalid_grant', async () => {
    const client = new Client(server.url);
    await client.get('/');
    expect((await client.post('/auth/refresh')).status).toBe(401);
    client.jar.set('tw_refresh', 'not-a-token', '/auth');
    const res = await client.post('/auth/refresh');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
    expect(server.control.stats().reuseDetections).toBe(0);
  });

  it('requires the CSRF header, and a refused call leaves the token untouched', async () => {
    const client = new Client(server.url);
    await client.login();
    const token = client.jar.get('tw_refresh');
    for (const csrf of [false, 'wrong', '']) {
      const res = await client.post('/auth/refresh', { csrf });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'csrf' });
    }
    expect(client.jar.get('tw_refresh')).toBe(token);
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });
});

describe('logout', () => {
  it('destroys the session, revokes the family, clears the cookies and sends Clear-Site-Data', async () => {
    const client = new Client(server.url);
    const access = await client.login();
    const sid = sessionId(client.jar.get('connect.sid')!);
    const refresh = client.jar.get('tw_refresh')!;
    expect(sessionRows(sid)).toBe(1);

    const res = await client.post('/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers.get('clear-site-data')).toBe('"cookies", "storage"');
    const cleared = setCookies(res);
    expect(cleared.get('connect.sid')?.attributes).toMatchObject({ path: '/', expires: EPOCH });
    expect(cleared.get('tw_refresh')?.attributes).toMatchObject({ path: '/auth', expires: EPOCH });
    expect(cleared.get('XSRF-TOKEN')?.attributes).toMatchObject({ path: '/', expires: EPOCH });
    expect(client.jar.get('connect.sid')).toBeUndefined();
    expect(client.jar.get('tw_refresh')).toBeUndefined();

    expect(sessionRows(sid)).toBe(0);
    expect(revokedReason(access)).toBe('logout');
    // A copy of the refresh cookie or of the access token is worthless now.
    const thief = browserHolding(server.url, refresh);
    expect((await thief.post('/auth/refresh')).status).toBe(401);
    expect((await thief.get('/api/me', { bearer: access })).status).toBe(401);
    expect(server.control.stats().reuseDetections).toBe(0);
  });

  it('is idempotent: 204 without a session', async () => {
    const client = new Client(server.url);
    await client.login();
    expect((await client.post('/auth/logout')).status).toBe(204);
    expect(client.jar.get('XSRF-TOKEN')).toBeUndefined(); // cleared by the logout
    await client.get('/'); // any response hands out a fresh CSRF cookie
    expect(client.jar.get('XSRF-TOKEN')).toEqual(expect.any(String));
    expect((await client.post('/auth/logout')).status).toBe(204);
  });

  it('requires the CSRF header, and a refused logout changes nothing', async () => {
    const client = new Client(server.url);
    const access = await client.login();
    for (const csrf of [false, 'wrong']) {
      const res = await client.post('/auth/logout', { csrf });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'csrf' });
    }
    expect((await client.get('/api/me', { bearer: access })).status).toBe(200);
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });
});

describe('/api with a bearer JWT', () => {
  it('accepts a valid token on every path and method, without CSRF', async () => {
    const client = new Client(server.url);
    const access = await client.login();
    const me = await client.get('/api/me', { bearer: access });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ user: 'alice', exp: decodeJwt(access).exp });
    const other = await client.post('/api/things/1?x=2', { bearer: access, csrf: false, json: {} });
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ ok: true, path: '/api/things/1', user: 'alice' });
  });

  it('rejects missing, tampered, unsigned, foreign and expired tokens with WWW-Authenticate', async () => {
    const client = new Client(server.url);
    const access = await client.login();
    const [header, payload, signature] = access.split('.') as [string, string, string];
    const claims = decodeJwt(access);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const bad: Array<string | undefined> = [
      undefined,
      `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`, // tampered signature
      `${header}.${b64({ ...claims, sub: 'mallory' })}.${signature}`, // tampered claims
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, // unsigned
      signJwt({ ...claims, exp: now + 60 }, Buffer.from('not the server secret')), // foreign key
      signJwt({ ...claims, iat: now - 60, exp: now - 1 }, jwtSecret()), // expired, otherwise valid
      'garbage',
    ];
    for (const token of bad) {
      const res = await client.get('/api/me', { bearer: token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await res.json()).toEqual({ error: 'invalid_token' });
    }
    // The signer itself is fine: the same claims with a future exp pass.
    expect((await client.get('/api/me', { bearer: signJwt({ ...claims, exp: now + 60 }, jwtSecret()) })).status).toBe(200);
    expect(server.control.stats()).toMatchObject({ apiCalls: bad.length + 1, api401s: bad.length });
  });
});

describe('refresh token in the body (?refresh_in_body=1)', () => {
  it('returns the refresh token in the body, sets no refresh cookie, and rotates through the body', async () => {
    const client = new Client(server.url);
    const res = await client.post('/auth/login?refresh_in_body=1', { json: alice });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 20, refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(setCookies(res).has('tw_refresh')).toBe(false);

    const refreshed = await client.post('/auth/refresh', { json: { refresh_token: body.refresh_token } });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { refresh_token: string };
    expect(next.refresh_token).not.toBe(body.refresh_token);
    expect(setCookies(refreshed).has('tw_refresh')).toBe(false);

    expect((await client.post('/auth/refresh', { json: { refresh_token: body.refresh_token }, csrf: false })).status).toBe(403);
    // Reuse of the first token by another party kills the family, the newest token included (its
    // own session would get `next` again within the grace window: reuse-grace.test.ts).
    const thief = new Client(server.url);
    thief.jar.set('XSRF-TOKEN', 'x');
    expect((await thief.post('/auth/refresh', { json: { refresh_token: body.refresh_token } })).status).toBe(401);
    expect((await client.post('/auth/refresh', { json: { refresh_token: next.refresh_token } })).status).toBe(401);
    expect(server.control.stats().reuseDetections).toBe(1);
  });

  it('logout revokes the family of a body token', async () => {
    const client = new Client(server.url);
    const res = await client.post('/auth/login?refresh_in_body=1', { json: alice });
    const { refresh_token } = (await res.json()) as { refresh_token: string };
    const anotherBrowser = new Client(server.url);
    await anotherBrowser.get('/');
    expect((await anotherBrowser.post('/auth/logout', { json: { refresh_token } })).status).toBe(204);
    expect((await client.post('/auth/refresh', { json: { refresh_token } })).status).toBe(401);
  });
});

describe('cookie options', () => {
  it('adds Secure and the __Host-/__Secure- prefixes with secureCookies, and omits Clear-Site-Data when disabled', () =>
    withServer({ secureCookies: true, clearSiteData: false }, async (secure) => {
      const names = ['__Secure-tw_refresh', '__Host-connect.sid', '__Host-XSRF-TOKEN'];
      const client = new Client(secure.url);
      const res = await client.post('/auth/login', { json: alice });
      const cookies = setCookies(res);
      for (const name of names) expect(cookies.get(name)?.attributes.secure, name).toBe(true);
      // __Host- demands Path=/ and no Domain; the refresh cookie keeps Path=/auth, hence __Secure-.
      for (const name of names.slice(1)) expect(cookies.get(name)?.attributes, name).toMatchObject({ path: '/' });
      for (const name of names) expect(cookies.get(name)?.attributes.domain, name).toBeUndefined();
      const csrf = client.jar.get('__Host-XSRF-TOKEN')!;
      expect((await client.post('/auth/refresh', { csrf })).status).toBe(200);
      const out = await client.post('/auth/logout', { csrf });
      expect(out.status).toBe(204);
      expect(out.headers.has('clear-site-data')).toBe(false);
      for (const name of names) expect(setCookies(out).get(name)?.attributes.secure, name).toBe(true);
    }));
});
