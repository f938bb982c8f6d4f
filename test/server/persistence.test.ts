import { afterAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../demo/server/index.ts';
import { Client, SECRETS, sessionId, sessionKey, tempDatabase } from './http.ts';

const db = tempDatabase();
afterAll(() => db.cleanup());

describe('restart on the same database file', () => {
  it('keeps access tokens, refresh tokens and sessions valid with the same secrets, stored nowhere in the file', async () => {
    const first = await startReferenceServer({ database: db.file, secrets: SECRETS });
    const bearer = new Client(first.url);
    const access = await bearer.login();
    const cookie = new Client(first.url);
    await cookie.login('/auth/cookie/login');
    expect((await cookie.get('/api/cookie/me')).status).toBe(200);
    await first.close();

    const second = await startReferenceServer({ database: db.file, secrets: SECRETS });
    try {
      expect(second.port).not.toBe(0);
      const bearerAgain = new Client(second.url, bearer.jar);
      expect((await bearerAgain.get('/api/me', { bearer: access })).status).toBe(200); // same signing secret
      const refreshed = await bearerAgain.post('/auth/refresh');
      expect(refreshed.status).toBe(200); // the refresh-token family survived
      const cookieAgain = new Client(second.url, cookie.jar);
      expect(await (await cookieAgain.get('/api/cookie/me')).json()).toMatchObject({ user: 'alice' }); // same session secret and row
      expect((await cookieAgain.post('/auth/cookie/refresh')).status).toBe(200);
    } finally {
      await second.close();
    }
    expect(db.query("SELECT name FROM sqlite_master WHERE name IN ('secrets', 'sessions')")).toEqual([]);
    // Sessions are filed under a hash of their id: the file never holds a usable session id.
    const sid = sessionId(cookie.jar.get('connect.sid')!);
    expect(db.query('SELECT key FROM auth_sessions WHERE key = ?', sessionKey(sid))).toHaveLength(1);
    expect(db.query('SELECT key FROM auth_sessions WHERE key = ? OR data LIKE ?', sid, `%${sid}%`)).toEqual([]);
  });

  it('a fresh in-memory server does not accept tokens of another', async () => {
    const a = await startReferenceServer();
    const b = await startReferenceServer();
    try {
      const access = await new Client(a.url).login();
      expect((await new Client(b.url).get('/api/me', { bearer: access })).status).toBe(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
