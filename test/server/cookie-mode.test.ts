import { describe, expect, it } from 'vitest';
import { alice, Client, sessionId, sessionKey, setCookies, tempDatabase, until, useServer } from './http.ts';

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';
const db = tempDatabase();
const server = useServer({ db, controls: true });

function sessionRow(sid: string): { authUntil?: number } | undefined {
  const [row] = db.query<{ data: string }>('SELECT data FROM auth_sessions WHERE key = ?', sessionKey(sid));
  return row ? (JSON.parse(row.data) as { authUntil?: number }) : undefined;
}

/** Moves the session's authorisation into the past, as if accessTokenTtl had elapsed. */
function expireAuthorisation(sid: string): void {
  const data = sessionRow(sid)!;
  data.authUntil = Date.now() - 1000;
  db.run('UPDATE auth_sessions SET data = ? WHERE key = ?', JSON.stringify(data), sessionKey(sid));
}

describe('cookie mode', () => {
  it('login sets only the HttpOnly session cookie and answers {expires_in}', async () => {
    const client = new Client(server.url);
    const res = await client.post('/auth/cookie/login', { json: alice });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ expires_in: 20 });
    const cookies = setCookies(res);
    expect(cookies.has('tw_refresh')).toBe(false);
    expect(cookies.get('connect.sid')?.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });
    expect(Date.parse(cookies.get('connect.sid')!.attributes.expires as string)).toBeGreaterThan(Date.now() + 8 * 3600 * 1000 - 60_000);
    expect(cookies.get('XSRF-TOKEN')?.attributes.httponly).toBeUndefined();

    const wrong = await client.post('/auth/cookie/login', { json: { ...alice, password: 'x' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_credentials' });
  });

  it('regenerates the session id at login', async () => {
    const client = new Client(server.url);
    await client.post('/auth/cookie/login', { json: alice });
    const first = sessionId(client.jar.get('connect.sid')!);
    await client.post('/auth/cookie/login', { json: alice });
    const second = sessionId(client.jar.get('connect.sid')!);
    expect(second).not.toBe(first);
    expect(sessionRow(first)).toBeUndefined();
    expect(sessionRow(second)).toBeDefined();
  });

  it('end to end: api, expiry, refresh, CSRF, logout', async () => {
    const client = new Client(server.url);
    expect((await client.get('/api/cookie/me')).status).toBe(401);
    await client.post('/auth/cookie/login', { json: alice });
    const sid = sessionId(client.jar.get('connect.sid')!);

    const me = await client.get('/api/cookie/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ user: 'alice', exp: Math.floor(sessionRow(sid)!.authUntil! / 1000) });
    // Unsafe API calls need the CSRF header: the cookie alone could come from another site.
    expect((await client.post('/api/cookie/things', { csrf: false })).status).toBe(403);
    const post = await client.post('/api/cookie/things', { json: { a: 1 } });
    expect(await post.json()).toEqual({ ok: true, path: '/api/cookie/things', user: 'alice' });
    // A bearer-mode API does not accept the session cookie.
    expect((await client.get('/api/me')).status).toBe(401);

    expireAuthorisation(sid);
    const expired = await client.get('/api/cookie/me');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: 'invalid_token' });

    expect((await client.post('/auth/cookie/refresh', { csrf: false })).status).toBe(403);
    expect((await client.post('/auth/cookie/refresh', { csrf: 'forged' })).status).toBe(403);
    const refreshed = await client.post('/auth/cookie/refresh');
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toEqual({ expires_in: 20 });
    expect(sessionRow(sid)!.authUntil).toBeGreaterThan(Date.now() + 15_000);
    expect((await client.get('/api/cookie/me')).status).toBe(200);

    const out = await client.post('/auth/cookie/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('clear-site-data')).toBe('"cookies", "storage"');
    expect(setCookies(out).get('connect.sid')?.attributes).toMatchObject({ path: '/', expires: EPOCH });
    expect(setCookies(out).get('XSRF-TOKEN')?.attributes).toMatchObject({ path: '/', expires: EPOCH });
    expect(sessionRow(sid)).toBeUndefined();

    // The old cookie is worthless, even when replayed.
    const replay = new Client(server.url);
    replay.jar.set('connect.sid', `s:${sid}.whatever`);
    expect((await replay.get('/api/cookie/me')).status).toBe(401);
    await client.get('/');
    const after = await client.post('/auth/cookie/refresh');
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: 'invalid_grant' });
    expect(server.control.stats()).toMatchObject({ loginCalls: 1, refreshCalls: 4, logoutCalls: 1 });
  });

  it('a replayed session cookie works until logout, and not after (server-side revocation)', async () => {
    const client = new Client(server.url);
    await client.post('/auth/cookie/login', { json: alice });
    const stolen = new Client(server.url);
    stolen.jar.set('connect.sid', client.jar.get('connect.sid')!);
    expect((await stolen.get('/api/cookie/me')).status).toBe(200);
    expect((await client.post('/auth/cookie/logout')).status).toBe(204);
    expect((await stolen.get('/api/cookie/me')).status).toBe(401);
  });

  it('refresh without a logged-in session is invalid_grant; logout without one is 204', async () => {
    const client = new Client(server.url);
    await client.get('/');
    const res = await client.post('/auth/cookie/refresh');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
    expect((await client.post('/auth/cookie/logout')).status).toBe(204);
  });

  it('a logout during a delayed refresh wins: the session is not resurrected', async () => {
    const client = new Client(server.url);
    await client.post('/auth/cookie/login', { json: alice });
    const sid = sessionId(client.jar.get('connect.sid')!);
    server.control.delayRefresh(150);
    const refreshing = client.post('/auth/cookie/refresh');
    await until(() => server.control.stats().requests.some((r) => r.path === '/auth/cookie/refresh' && r.status === 0));
    expect((await new Client(server.url, client.jar).post('/auth/cookie/logout')).status).toBe(204);
    expect((await refreshing).status).toBe(401);
    expect(sessionRow(sid)).toBeUndefined();
  });
});
