import { afterAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../demo/server/index.ts';
import { Client, tempDatabase } from './http.ts';

const db = tempDatabase();
afterAll(() => db.cleanup());

describe('restart on the same database file', () => {
  it('keeps access tokens, refresh tokens and sessions valid', async () => {
    const first = await startReferenceServer({ database: db.file });
    const bearer = new Client(first.url);
    const access = await bearer.login();
    const cookie = new Client(first.url);
    await cookie.login('/auth/cookie/login');
    expect((await cookie.get('/api/cookie/me')).status).toBe(200);
    await first.close();

    const second = await startReferenceServer({ database: db.file });
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
    expect(db.query("SELECT name FROM secrets ORDER BY name").map((r) => (r as { name: string }).name)).toEqual(['jwt', 'session']);
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
