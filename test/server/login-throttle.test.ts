// The login throttle under load (issue 23, findings 3 and 4), on both stores: guesses sent all at
// once are counted before any password is checked, and the password change is a login like any
// other to the throttle. A 401 (or the password change's 403) is a password that was checked and
// found wrong; a 429 is one that was never checked.
import { describe, expect, it } from 'vitest';
import { alice, burst, Client, withServer } from './http.ts';
import { useStores } from './redis.ts';

/** Each test on a store of its own: the throttle of one must not count another's guesses. */
const STORES = useStores();

/** How many answers had each status. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe.each(STORES)('with %s', (_name, store) => {
  it('finding 3: 60 wrong passwords and the right one sent at once: at most 5 wrong ones are checked (per user)', async () =>
    withServer({ ...(await store()), users: { alice: alice.password } }, async (server) => {
      const guesses = Array.from({ length: 60 }, (_, i) => ({ ...alice, password: `guess-${i}` }));
      guesses.splice(30, 0, alice);
      const counts = tally(
        await burst(
          server.url,
          guesses.map((json) => ({ path: '/auth/login', json })),
        ),
      );
      expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
      expect(counts[200] ?? 0).toBeLessThanOrEqual(1);
      expect((counts[401] ?? 0) + (counts[200] ?? 0) + (counts[429] ?? 0)).toBe(61);
      // And the window stays full afterwards: nobody gets a sixth wrong guess checked.
      expect((await new Client(server.url).post('/auth/login', { json: { ...alice, password: 'one more' } })).status).toBe(429);
    }));

  it('finding 3: 60 wrong guesses for 60 user names at once from one address: at most 20 are checked (per address)', async () =>
    withServer(await store(), async (server) => {
      const guesses = Array.from({ length: 60 }, (_, i) => ({ path: '/auth/login', json: { username: `user-${i}`, password: 'x' } }));
      const counts = tally(await burst(server.url, guesses));
      expect(counts[401] ?? 0).toBeLessThanOrEqual(20);
      expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(60);
    }));

  it('finding 4: /auth/password goes through the login throttle: 30 wrong `current` get 403 five times, then 429', async () =>
    withServer({ ...(await store()), users: { alice: alice.password } }, async (server) => {
      const client = new Client(server.url);
      await client.login('/auth/cookie/login');
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        statuses.push((await client.post('/auth/password', { json: { current: `guess-${i}`, next: 'a-new-password' } })).status);
      }
      expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
      expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
      // The right password is refused as well now: guessing cannot go on behind the 429s.
      const right = await client.post('/auth/password', { json: { current: alice.password, next: 'a-new-password' } });
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    }));
});
