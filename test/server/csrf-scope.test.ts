// Issue 23, finding 8 (server side): an allow-listed Origin stands in for the CSRF header only
// where the SDK itself calls after a reload (refresh and logout). Everywhere else a header-less
// POST from that origin (a plain HTML form there needs no script) is refused.
import { describe, expect, it } from 'vitest';
import { alice, Client, useServer } from './http.ts';

const app = 'http://app.example:5173';
const server = useServer({ corsOrigins: [app] });

/** A client signed in from the allowed origin, in cookie mode or bearer mode. */
async function signedIn(mode: 'cookie' | 'bearer'): Promise<Client> {
  const client = new Client(server.url);
  const res = await client.post(mode === 'cookie' ? '/auth/cookie/login' : '/auth/login', { json: alice, headers: { origin: app } });
  expect(res.status).toBe(200);
  return client;
}

/** A POST from the allowed origin without the CSRF header, the browser's cookies attached: what a form there sends. */
const formPost = (client: Client, path: string) => client.post(path, { headers: { origin: app }, csrf: false, json: {} });

describe('issue 23, finding 8: the allow-listed Origin stands in for the CSRF header on refresh and logout only', () => {
  it('refuses a header-less POST from the allowed origin to the cookie API, logout-all, a device revocation and the password change', async () => {
    const client = await signedIn('cookie');
    expect((await formPost(client, '/api/cookie/transfer')).status).toBe(403);
    expect((await formPost(client, '/auth/logout-all')).status).toBe(403);
    expect((await formPost(client, '/auth/sessions/any/revoke')).status).toBe(403);
    expect((await formPost(client, '/auth/password')).status).toBe(403);
    // With the header, the same calls go through: the refusals were the CSRF check's.
    const token = client.jar.get('__Host-XSRF-TOKEN')!;
    expect((await client.post('/api/cookie/transfer', { headers: { origin: app }, csrf: token, json: {} })).status).toBe(200);
  });

  it('still takes it for the refresh and the logout, in both modes', async () => {
    const cookie = await signedIn('cookie');
    expect((await formPost(cookie, '/auth/cookie/refresh')).status).toBe(200);
    expect((await formPost(cookie, '/auth/cookie/logout')).status).toBe(204);
    const bearer = await signedIn('bearer');
    expect((await formPost(bearer, '/auth/refresh')).status).toBe(200);
    expect((await formPost(bearer, '/auth/logout')).status).toBe(204);
  });

  it('never takes another origin, or a wrong header, on any route', async () => {
    const client = await signedIn('bearer');
    expect((await client.post('/auth/refresh', { headers: { origin: 'http://evil.example' }, csrf: false })).status).toBe(403);
    expect((await client.post('/auth/refresh', { headers: { origin: app }, csrf: 'forged' })).status).toBe(403);
  });
});
