// Reference servers on one Redis, over real HTTP: what two processes (or one restarted) share.
// The stores themselves are tested against both backends in stores.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../demo/server/index.ts';
import { alice, Client, CookieJar, SECRETS } from './http.ts';
import { startRedis, type RedisServer } from './redis.ts';

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

/** Two servers on the shared Redis with the same secrets, closed afterwards. */
async function twoServers(test: (a: ReferenceServer, b: ReferenceServer) => Promise<void>): Promise<void> {
  const [a, b] = await Promise.all([0, 1].map(() => startReferenceServer({ redisUrl: redis!.url, secrets: SECRETS })));
  try {
    await test(a!, b!);
  } finally {
    await Promise.all([a!.close(), b!.close()]);
  }
}

describe('reference servers sharing one Redis', () => {
  it('accept each other’s tokens, refresh cookies and session cookies, and keep them across a restart', async () => {
    // One browser's cookies, whichever server it reaches.
    const [bearerJar, cookieJar] = [new CookieJar(), new CookieJar()];
    let access = '';
    await twoServers(async (a, b) => {
      access = await new Client(a.url, bearerJar).login();
      await new Client(a.url, cookieJar).login('/auth/cookie/login');
      expect((await new Client(b.url, bearerJar).get('/api/me', { bearer: access })).status).toBe(200);
      expect((await new Client(b.url, bearerJar).post('/auth/refresh')).status).toBe(200);
      expect((await new Client(b.url, cookieJar).get('/api/cookie/me')).status).toBe(200);
    });
    await twoServers(async (a) => {
      expect((await new Client(a.url, bearerJar).get('/api/me', { bearer: access })).status).toBe(200);
      expect((await new Client(a.url, bearerJar).post('/auth/refresh')).status).toBe(200);
      expect((await new Client(a.url, cookieJar).post('/auth/cookie/refresh')).status).toBe(200);
    });
  });

  it('count failed logins together: guesses spread over both processes are throttled as one', async () => {
    await twoServers(async (a, b) => {
      const wrong = { ...alice, password: 'guess' };
      for (let i = 0; i < 5; i++) expect((await new Client(i % 2 ? a.url : b.url).post('/auth/login', { json: wrong })).status).toBe(401);
      for (const server of [a, b]) {
        const limited = await new Client(server.url).post('/auth/login', { json: alice });
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });
  });
});
