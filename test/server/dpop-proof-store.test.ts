// The server's store of used DPoP proof ids (issue 23, finding 6): only a request whose credentials,
// refresh token or access token check out gets its proof id recorded, and each client address and
// each key can record only so many per window, so that nobody can fill the store and lock every
// DPoP user out. (The in-memory store refuses proofs once full, rather than let a replay through.)
import { describe, expect, it } from 'vitest';
import { newHolder } from './dpop-holder.ts';
import { alice, Client, withServer } from './http.ts';
import { useStores } from './redis.ts';

const STORES = useStores();

describe('the used-proof store', () => {
  it('finding 6: a flood of self-signed proofs with bad credentials or bad refresh tokens does not lock out a real DPoP user', () =>
    withServer({ dpopReplayCapacity: 20, loginLimits: { perAddress: 1000 } }, async (server) => {
      const at = (path: string) => server.url + path;
      const flood = await newHolder();
      for (let i = 0; i < 30; i++) {
        const login = await new Client(server.url).post('/auth/login', {
          json: { username: `mallory-${i}`, password: 'guess' },
          headers: { dpop: await flood.proof('POST', at('/auth/login')) },
        });
        expect(login.status).toBe(401);
        const refresh = await new Client(server.url).post('/auth/refresh?refresh_in_body=1', {
          json: { refresh_token: `made-up-${i}` },
          csrf: 'x',
          headers: { dpop: await flood.proof('POST', at('/auth/refresh')), cookie: 'XSRF-TOKEN=x' },
        });
        expect(refresh.status).toBe(401);
      }
      const user = await newHolder();
      const client = new Client(server.url);
      const login = await client.post('/auth/login', { json: alice, headers: { dpop: await user.proof('POST', at('/auth/login')) } });
      expect(login.status).toBe(200);
      const { access_token: token } = (await login.json()) as { access_token: string };
      const me = await client.get('/api/me', { headers: { authorization: `DPoP ${token}`, dpop: await user.proof('GET', at('/api/me'), { token }) } });
      expect(me.status).toBe(200);
      expect((await client.post('/auth/refresh', { headers: { dpop: await user.proof('POST', at('/auth/refresh')) } })).status).toBe(200);
    }));

  it.each(STORES)('finding 6: one key, or one address, records only so many proofs per window, with %s', async (_name, store) =>
    withServer({ ...(await store()), dpopProofLimits: { perKey: 3, perAddress: 5 } }, async (server) => {
      const at = (path: string) => server.url + path;
      const signIn = async () => {
        const key = await newHolder();
        const res = await new Client(server.url).post('/auth/login', { json: alice, headers: { dpop: await key.proof('POST', at('/auth/login')) } });
        expect(res.status).toBe(200);
        const { access_token: token } = (await res.json()) as { access_token: string };
        return async () => {
          const headers = { authorization: `DPoP ${token}`, dpop: await key.proof('GET', at('/api/me'), { token }) };
          return (await new Client(server.url).get('/api/me', { headers })).status;
        };
      };
      const first = await signIn(); // its login's proof is the first of its key's 3
      expect([await first(), await first(), await first()]).toEqual([200, 200, 401]);
      const second = await signIn(); // the address's 4th and 5th proofs
      expect(await second()).toBe(200);
      expect(await second()).toBe(401); // the address is at its 5
    }),
  );
});
