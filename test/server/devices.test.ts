// Server-side invalidation on the reference server (issue 12 §2): the session check, the
// device list, signing out one device, every device, and the password change.
import { beforeEach, describe, expect, it } from 'vitest';
import { alice, Client, sessionId, sessionKey, tempDatabase, useServer } from './http.ts';

const db = tempDatabase();
const server = useServer({ db, controls: true, users: { alice: 'wonderland', carol: 'carol-password' } });

// Each test starts with nobody signed in, so the device lists hold only its own sessions.
beforeEach(() => db.run('DELETE FROM auth_sessions'));

const FIREFOX = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0' };

/** A browser signed in as `who`, in bearer mode unless told. */
async function device(who = alice, path = '/auth/login', headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client(server.url);
  const res = await client.post(path, { json: who, headers });
  expect(res.status).toBe(200);
  return client;
}

function sessionRow(client: Client): { data: string; expires_at: number } | undefined {
  return db.query<{ data: string; expires_at: number }>(
    'SELECT data, expires_at FROM auth_sessions WHERE key = ?',
    sessionKey(sessionId(client.jar.get('connect.sid')!)),
  )[0];
}

interface Listed {
  id: string;
  label: string;
  signedInAt: number;
  lastSeenAt: number;
  current: boolean;
}

async function list(client: Client): Promise<Listed[]> {
  const res = await client.get('/auth/sessions');
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: Listed[] }).sessions;
}

describe('GET /auth/session', () => {
  it('answers 200 {active, expiresAt} for a live session in both modes, by cookie or by bearer token alone', async () => {
    const bearer = await device();
    const cookie = await device(alice, '/auth/cookie/login');
    for (const client of [bearer, cookie]) {
      const res = await client.get('/auth/session');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { active: boolean; expiresAt: number };
      expect(body).toEqual({ active: true, expiresAt: expect.any(Number) });
      // The absolute end of the session: 12 hours after sign-in by default.
      expect(body.expiresAt).toBeGreaterThan(Date.now() + 11.9 * 3600_000);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-xsrf-token')).toBe(client.jar.get('XSRF-TOKEN'));
    }
    const token = ((await (await bearer.post('/auth/refresh')).json()) as { access_token: string }).access_token;
    expect((await new Client(server.url).get('/auth/session', { bearer: token })).status).toBe(200);
    expect((await new Client(server.url).get('/auth/session')).status).toBe(401);
    expect(await (await new Client(server.url).get('/auth/session')).json()).toEqual({ active: false });
  });

  it('is cheap: no rotation, no cookie, no write to the session row', async () => {
    const client = await device();
    const before = sessionRow(client);
    const refresh = client.jar.get('tw_refresh');
    server.control.reset();
    for (let i = 0; i < 3; i++) {
      const res = await client.get('/auth/session');
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect(sessionRow(client)).toEqual(before);
    expect(client.jar.get('tw_refresh')).toBe(refresh);
    expect(server.control.stats()).toMatchObject({ sessionChecks: 3, rotations: 0, refreshCalls: 0 });
  });
});

describe('devices', () => {
  it('lists every live session of the user with a label, sign-in time, last activity and which one is this device', async () => {
    const laptop = await device();
    const phone = await device(alice, '/auth/cookie/login', FIREFOX);
    const other = await device({ username: 'carol', password: 'carol-password' });
    await phone.post('/auth/cookie/refresh');
    const seen = await list(laptop);
    expect(seen).toHaveLength(2); // carol's session is not alice's business
    const [here, there] = seen as [Listed, Listed];
    expect(here).toMatchObject({ current: true, label: 'Node.js' });
    expect(there).toMatchObject({ current: false, label: 'Firefox on Windows' });
    expect(there.lastSeenAt).toBeGreaterThan(there.signedInAt - 1);
    expect(here.id).toMatch(/^[0-9a-f-]{36}$/);
    // The id is a device id, not the session id (which is the credential in cookie mode).
    expect(there.id).not.toBe(sessionId(phone.jar.get('connect.sid')!));
    expect((await list(phone)).filter((d) => d.current).map((d) => d.id)).toEqual([there.id]);
    expect(await list(other)).toHaveLength(1);
    expect((await new Client(server.url).get('/auth/sessions')).status).toBe(401);
  });

  it('signs one device out: its row is deleted, its family revoked (refresh, API and session check all refuse)', async () => {
    const laptop = await device();
    const phone = await device();
    const phoneAccess = ((await (await phone.post('/auth/refresh')).json()) as { access_token: string }).access_token;
    const target = (await list(laptop)).find((d) => !d.current)!;
    expect((await laptop.post(`/auth/sessions/${target.id}/revoke`, { csrf: false })).status).toBe(403);
    expect((await laptop.post(`/auth/sessions/${target.id}/revoke`)).status).toBe(204);
    expect(sessionRow(phone)).toBeUndefined();
    expect((await phone.get('/auth/session')).status).toBe(401);
    expect((await phone.get('/auth/session', { bearer: phoneAccess })).status).toBe(401);
    expect((await phone.get('/api/me', { bearer: phoneAccess })).status).toBe(401);
    const refused = await phone.post('/auth/refresh');
    expect([refused.status, await refused.json()]).toEqual([401, { error: 'invalid_grant' }]);
    // The device that did it is untouched.
    expect((await laptop.get('/auth/session')).status).toBe(200);
    expect((await laptop.post('/auth/refresh')).status).toBe(200);
    expect((await laptop.post(`/auth/sessions/${target.id}/revoke`)).status).toBe(404);
  });

  it('signing out this device from the list is a logout here', async () => {
    const laptop = await device();
    const [here] = await list(laptop);
    const res = await laptop.post(`/auth/sessions/${here!.id}/revoke`);
    expect(res.status).toBe(204);
    expect(res.headers.get('clear-site-data')).toBe('"cookies", "storage"');
    expect(laptop.jar.get('connect.sid')).toBeUndefined();
  });

  it('"sign out everywhere" ends every session of the user, this one included, and no one else\'s', async () => {
    const laptop = await device();
    const phone = await device(alice, '/auth/cookie/login');
    const other = await device({ username: 'carol', password: 'carol-password' });
    expect((await laptop.post('/auth/logout-all')).status).toBe(204);
    expect((await phone.get('/auth/session')).status).toBe(401);
    expect((await phone.get('/api/cookie/me')).status).toBe(401);
    expect((await laptop.get('/auth/session')).status).toBe(401);
    await laptop.get('/'); // a new CSRF cookie: the old one was cleared
    expect((await laptop.post('/auth/refresh')).status).toBe(401);
    expect((await other.get('/auth/session')).status).toBe(200);
  });

  it('a password change signs out every other device and keeps this one', async () => {
    const carol = { username: 'carol', password: 'carol-password' };
    const laptop = await device(carol);
    const phone = await device(carol);
    const tablet = await device(carol, '/auth/cookie/login');
    expect((await laptop.post('/auth/password', { json: { current: 'not-it', next: 'carol-new-password' } })).status).toBe(403);
    expect((await laptop.post('/auth/password', { json: { current: carol.password, next: 'short' } })).status).toBe(400);
    expect((await laptop.post('/auth/password', { json: { current: carol.password, next: 'carol-new-password' } })).status).toBe(204);
    expect((await phone.post('/auth/refresh')).status).toBe(401);
    expect((await tablet.get('/auth/session')).status).toBe(401);
    expect((await laptop.post('/auth/refresh')).status).toBe(200);
    expect((await list(laptop)).map((d) => d.current)).toEqual([true]);
    expect((await new Client(server.url).post('/auth/login', { json: carol })).status).toBe(401);
    expect((await new Client(server.url).post('/auth/login', { json: { ...carol, password: 'carol-new-password' } })).status).toBe(200);
  });
});
