// Issue 24, point 1 (server part), on both stores: the reference server as shipped forgives the
// replay of a refresh token that was just rotated, when it comes from the same session (its
// session cookie; for a DPoP-bound family, a proof by its key too) within the grace window
// (default 10 s): the answer is the family's current token, the same one every time, never a
// second live branch and never a revocation. So a page reloaded while its refresh was on the wire
// loses nothing. Any other replay still revokes the family.
import { describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../demo/server/index.ts';
import { newHolder } from './dpop-holder.ts';
import { alice, Client, SECRETS, setCookies, withServer } from './http.ts';
import { useStores } from './redis.ts';

const STORES = useStores();
const onRedis = STORES[1]![1];

/** Nothing to wait for but the clock: the window is a time, not an event. */
const pass = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tokens {
  access_token: string;
  refresh_token?: string;
}

async function tokens(res: Response): Promise<Tokens> {
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

/** The same browser again with the refresh cookie it had before the answer it never stored. */
function reloadedWith(client: Client, refresh: string): Client {
  client.jar.set('tw_refresh', refresh, '/auth');
  return client;
}

describe.each(STORES)('the reuse grace window, with %s', (_name, store) => {
  it('is on by default: the same session replaying the rotated cookie gets the same successor, twice, with no revocation', async () =>
    withServer({ ...(await store()), controls: true }, async (server) => {
      const client = new Client(server.url);
      await client.login();
      const old = client.jar.get('tw_refresh')!;
      await tokens(await client.post('/auth/refresh'));
      const successor = client.jar.get('tw_refresh')!;
      for (let i = 0; i < 2; i++) {
        const res = await reloadedWith(client, old).post('/auth/refresh');
        const access = (await tokens(res)).access_token;
        expect(setCookies(res).get('tw_refresh')?.value).toBe(successor);
        expect((await client.get('/api/me', { bearer: access })).status).toBe(200);
      }
      expect(server.control.stats()).toMatchObject({ rotations: 1, reuseDetections: 0 });
      // One branch: the successor rotates as ever, and the old token now leads to its successor.
      await tokens(await client.post('/auth/refresh'));
      const newest = client.jar.get('tw_refresh')!;
      expect(setCookies(await reloadedWith(client, old).post('/auth/refresh')).get('tw_refresh')?.value).toBe(newest);
      expect(server.control.stats()).toMatchObject({ rotations: 2, reuseDetections: 0 });
    }));

  it('answers a body token (the vault case) with the same successor in the body', async () =>
    withServer({ ...(await store()), controls: true }, async (server) => {
      const client = new Client(server.url);
      const first = (await tokens(await client.post('/auth/login?refresh_in_body=1', { json: alice }))).refresh_token!;
      const next = (await tokens(await client.post('/auth/refresh', { json: { refresh_token: first } }))).refresh_token;
      const replays = [
        await client.post('/auth/refresh', { json: { refresh_token: first } }),
        await client.post('/auth/refresh', { json: { refresh_token: first } }),
      ];
      for (const res of replays) expect((await tokens(res)).refresh_token).toBe(next);
      expect(server.control.stats()).toMatchObject({ rotations: 1, reuseDetections: 0 });
    }));

  it('revokes the family when another session replays the token within the window', async () =>
    withServer({ ...(await store()), controls: true }, async (server) => {
      const client = new Client(server.url);
      await client.login();
      const old = client.jar.get('tw_refresh')!;
      await tokens(await client.post('/auth/refresh'));
      const thief = new Client(server.url);
      thief.jar.set('XSRF-TOKEN', 'x');
      thief.jar.set('tw_refresh', old, '/auth');
      expect((await thief.post('/auth/refresh')).status).toBe(401);
      expect(server.control.stats().reuseDetections).toBe(1);
      expect((await client.post('/auth/refresh')).status).toBe(401);
    }));

  it('revokes the family on the same session’s replay past the window, or at once with graceWindow 0', async () => {
    for (const [graceWindow, wait] of [
      [200, 300],
      [0, 0],
    ] as const) {
      await withServer({ ...(await store()), controls: true, graceWindow }, async (server) => {
        const client = new Client(server.url);
        await client.login();
        const old = client.jar.get('tw_refresh')!;
        await tokens(await client.post('/auth/refresh'));
        const current = client.jar.get('tw_refresh')!;
        await pass(wait);
        expect((await reloadedWith(client, old).post('/auth/refresh')).status).toBe(401);
        expect(server.control.stats().reuseDetections).toBe(1);
        expect((await reloadedWith(client, current).post('/auth/refresh')).status).toBe(401);
      });
    }
  });

  it('with DPoP: the replay proved by the family key gets the successor; without the key it is refused and nothing changes', async () =>
    withServer({ ...(await store()), controls: true }, async (server) => {
      const key = await newHolder();
      const at = `${server.url}/auth/refresh`;
      const client = new Client(server.url);
      const login = await client.post('/auth/login', { json: alice, headers: { dpop: await key.proof('POST', `${server.url}/auth/login`) } });
      expect(login.status).toBe(200);
      const old = client.jar.get('tw_refresh')!;
      await tokens(await client.post('/auth/refresh', { headers: { dpop: await key.proof('POST', at) } }));
      const successor = client.jar.get('tw_refresh')!;
      const other = await newHolder();
      expect((await reloadedWith(client, old).post('/auth/refresh', { headers: { dpop: await other.proof('POST', at) } })).status).toBe(401);
      const res = await reloadedWith(client, old).post('/auth/refresh', { headers: { dpop: await key.proof('POST', at) } });
      await tokens(res);
      expect(setCookies(res).get('tw_refresh')?.value).toBe(successor);
      expect(server.control.stats()).toMatchObject({ rotations: 1, reuseDetections: 0 });
    }));
});

describe('the reuse grace window across processes (Redis)', () => {
  it('a replay that reaches the other process gets the same successor', async () => {
    const options = { ...(await onRedis()), controls: true, secrets: SECRETS };
    const [a, b] = [await startReferenceServer(options), await startReferenceServer(options)];
    try {
      const client = new Client(a.url);
      await client.login();
      const old = client.jar.get('tw_refresh')!;
      await tokens(await client.post('/auth/refresh'));
      const successor = client.jar.get('tw_refresh')!;
      const onB = new Client(b.url, client.jar); // the same browser, sent to the other process
      const res = await reloadedWith(onB, old).post('/auth/refresh');
      await tokens(res);
      expect(setCookies(res).get('tw_refresh')?.value).toBe(successor);
      expect(b.control.stats().reuseDetections).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
