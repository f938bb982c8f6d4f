// The SDK side of a cross-site setup: the API's CSRF cookie cannot be read by the page, so the
// server sends the token in a response header. A real HTTP server on loopback plays the API.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthApi } from '../../src/flows/first-party.js';
import { csrfSource } from '../../src/http/csrf.js';
import { bearer, createAuthFetch } from '../../src/http/fetch.js';

const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
let token = 0;
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? '', headers: req.headers });
  req.resume();
  // Every auth answer hands out a fresh token, as a server rotating it would.
  if (req.url?.startsWith('/auth/')) res.setHeader('X-XSRF-TOKEN', `token-${++token}`);
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'a', expires_in: 60 }));
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('CSRF token from a response header', () => {
  it('sends the token the latest login or refresh answer carried, on the auth calls and on unsafe API requests', async () => {
    const csrf = { cookie: 'XSRF-TOKEN', header: 'X-XSRF-TOKEN' };
    const tokens = csrfSource(csrf);
    const options = {
      baseUrl,
      csrf,
      mode: 'bearer' as const,
      timeout: 2_000,
      endpoints: { login: '/auth/login', refresh: '/auth/refresh', logout: '/auth/logout' },
    };
    const api = createAuthApi(options, tokens);
    const fetchWithSession = createAuthFetch({
      mode: 'bearer',
      csrf: tokens,
      isTrusted: (url) => url.startsWith(baseUrl),
      accessToken: async () => 'a',
      credentialVersion: () => 0,
      recover: async () => false,
      send: bearer,
    });
    const signal = new AbortController().signal;

    await api.login({ username: 'alice' }, signal, null);
    await api.refresh({ accessToken: 'a', refreshToken: null, expiresAt: 0, issuedAt: 0, claims: null }, signal, null);
    await fetchWithSession(`${baseUrl}/api/items`, { method: 'POST' });
    await fetchWithSession(`${baseUrl}/api/items`);
    await api.logout(null, null);

    expect(seen.map(({ path, headers }) => [path, headers['x-xsrf-token']])).toEqual([
      ['/auth/login', undefined],
      ['/auth/refresh', 'token-1'],
      ['/api/items', 'token-2'],
      ['/api/items', undefined], // a GET carries no CSRF header
      ['/auth/logout', 'token-2'],
    ]);
  });
});
