// The reference server's idle limit (issue 23, finding 2, server part), on both stores: a session
// with no refresh for `refreshTokenTtl` seconds is over at every door, not only at the refresh
// endpoint: its session check answers 401, and its access tokens and cookie-mode API calls are
// refused although they have not run out themselves. A refresh before the limit moves it on.
import { describe, expect, it } from 'vitest';
import { Client, withServer } from './http.ts';
import { useStores } from './redis.ts';

const STORES = useStores();

/** Nothing to wait for but the clock: the idle limit is a time, not an event. */
const pass = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(STORES)('the idle limit (refreshTokenTtl), with %s', (_name, store) => {
  it('finding 2: a bearer session idle past the limit is over for the session check and the API too, by cookie or by token', async () =>
    withServer({ ...(await store()), refreshTokenTtl: 2, accessTokenTtl: 60 }, async (server) => {
      const client = new Client(server.url);
      await client.login();
      await pass(1_200);
      // Activity (a refresh) before the limit moves it on: 2.4 s after sign-in the session lives.
      const access = ((await (await client.post('/auth/refresh')).json()) as { access_token: string }).access_token;
      await pass(1_200);
      const byToken = new Client(server.url);
      expect((await client.get('/auth/session')).status).toBe(200);
      expect((await byToken.get('/auth/session', { bearer: access })).status).toBe(200);
      expect((await byToken.get('/api/me', { bearer: access })).status).toBe(200);
      // 2 s after the refresh without another: over, though the access token has 57 s to go.
      await pass(1_200);
      expect((await byToken.get('/auth/session', { bearer: access })).status).toBe(401);
      expect((await client.get('/auth/session')).status).toBe(401);
      expect((await byToken.get('/api/me', { bearer: access })).status).toBe(401);
      expect((await client.post('/auth/refresh')).status).toBe(401);
    }));

  it('finding 2: a cookie-mode session idle past the limit is over for the session check and the API', async () =>
    withServer({ ...(await store()), refreshTokenTtl: 1, accessTokenTtl: 60 }, async (server) => {
      const client = new Client(server.url);
      await client.login('/auth/cookie/login');
      await pass(1_200);
      expect((await client.get('/auth/session')).status).toBe(401);
      expect((await client.get('/api/cookie/me')).status).toBe(401);
      expect((await client.post('/auth/cookie/refresh')).status).toBe(401);
    }));
});
