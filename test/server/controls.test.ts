import { describe, expect, it } from 'vitest';
import { fingerprint, startReferenceServer } from '../../demo/server/index.ts';
import { alice, Client, decodeJwt, until, useServer, withServer, type TestServer } from './http.ts';

const server = useServer({ controls: true });

async function loggedIn(path = '/auth/login'): Promise<Client> {
  const client = new Client(server.url);
  await client.login(path);
  return client;
}

/** Resolves once the server has received a request to `path` that is still unanswered. */
function pending(srv: TestServer, path: string): Promise<void> {
  return until(() => srv.control.stats().requests.some((r) => r.path === path && r.status === 0));
}

describe('failRefresh', () => {
  it('500: a JSON server error, and the token is not consumed', async () => {
    const client = await loggedIn();
    const token = client.jar.get('tw_refresh');
    server.control.failRefresh(2, '500');
    for (let i = 0; i < 2; i++) {
      const res = await client.post('/auth/refresh');
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'server_error' });
    }
    expect(client.jar.get('tw_refresh')).toBe(token);
    expect((await client.post('/auth/refresh')).status).toBe(200); // only `count` calls fail
    expect(server.control.stats()).toMatchObject({ refreshCalls: 3, rotations: 1, reuseDetections: 0 });
  });

  it('429: Retry-After from the option, 1 by default', async () => {
    const client = await loggedIn();
    server.control.failRefresh(1, '429', { retryAfter: 7 });
    const res = await client.post('/auth/refresh');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    server.control.failRefresh(1, '429');
    expect((await client.post('/auth/refresh')).headers.get('retry-after')).toBe('1');
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });

  it('html: 200 with a text/html body', async () => {
    const client = await loggedIn();
    server.control.failRefresh(1, 'html');
    const res = await client.post('/auth/refresh');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/<html/);
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });

  it('hang: no answer until the client gives up; the token stays valid', async () => {
    const client = await loggedIn();
    server.control.failRefresh(1, 'hang');
    const abort = new AbortController();
    const call = client.post('/auth/refresh', { signal: abort.signal });
    await pending(server, '/auth/refresh');
    abort.abort();
    await expect(call).rejects.toThrow(/abort/i);
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });

  it('drop: the connection breaks off mid-response; the token stays valid', async () => {
    const client = await loggedIn();
    server.control.failRefresh(1, 'drop');
    await expect(client.post('/auth/refresh').then((r) => r.text())).rejects.toThrow(TypeError);
    expect((await client.post('/auth/refresh')).status).toBe(200);
    // The recorder fills in a status on 'finish', which may come just after the client has the answer.
    const statuses = () =>
      server.control
        .stats()
        .requests.filter((r) => r.path === '/auth/refresh')
        .map((r) => r.status);
    await until(() => statuses()[1] !== 0);
    expect(statuses()).toEqual([0, 200]);
  });

  it('applies to cookie-mode refresh too', async () => {
    const client = await loggedIn('/auth/cookie/login');
    server.control.failRefresh(1, '500');
    expect((await client.post('/auth/cookie/refresh')).status).toBe(500);
    expect((await client.post('/auth/cookie/refresh')).status).toBe(200);
  });
});

describe('loseRefreshAnswers', () => {
  it('rotates but never answers: the old token is used, and only the grace window brings back its successor', async () => {
    const client = await loggedIn();
    const token = client.jar.get('tw_refresh');
    server.control.loseRefreshAnswers(1);
    const abort = new AbortController();
    const lost = client.post('/auth/refresh', { signal: abort.signal });
    await until(() => server.control.stats().rotations === 1);
    abort.abort();
    await expect(lost).rejects.toThrow(/abort/i);
    expect(client.jar.get('tw_refresh')).toBe(token);
    // The same session replays it within the window: the successor, no reuse, no second rotation.
    expect((await client.post('/auth/refresh')).status).toBe(200);
    expect(client.jar.get('tw_refresh')).not.toBe(token);
    expect(server.control.stats()).toMatchObject({ refreshCalls: 2, rotations: 1, reuseDetections: 0 });
  });

  it('answers 400 to a bad count over HTTP, and reset() disarms it', async () => {
    const res = await fetch(new URL('/__test__/lose-refresh-answers', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: -1 }),
    });
    expect(res.status).toBe(400);
    server.control.loseRefreshAnswers(1);
    server.control.reset();
    expect((await (await loggedIn()).post('/auth/refresh')).status).toBe(200);
  });
});

describe('delayRefresh', () => {
  it('delays successful refresh responses', async () => {
    const client = await loggedIn();
    server.control.delayRefresh(150);
    const started = performance.now();
    expect((await client.post('/auth/refresh')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('rotates only when the response is sent: a client gone meanwhile keeps its old token valid', async () => {
    const client = await loggedIn();
    server.control.delayRefresh(200);
    const abort = new AbortController();
    const lost = client.post('/auth/refresh', { signal: abort.signal });
    await pending(server, '/auth/refresh');
    abort.abort();
    await expect(lost).rejects.toThrow(/abort/i);
    // Same token again. Its delay ends after the first one's: had the first call
    // rotated, this one would be a reuse and revoke the family.
    const res = await client.post('/auth/refresh');
    expect(res.status).toBe(200);
    expect(server.control.stats()).toMatchObject({ rotations: 1, reuseDetections: 0 });
  });
});

describe('failLogout', () => {
  it('500, drop and hang leave the session intact; null switches it off', async () => {
    const client = await loggedIn();
    server.control.failLogout('500');
    const res = await client.post('/auth/logout');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'server_error' });

    server.control.failLogout('drop');
    await expect(client.post('/auth/logout').then((r) => r.text())).rejects.toThrow(TypeError);

    server.control.failLogout('hang');
    const abort = new AbortController();
    const call = client.post('/auth/logout', { signal: abort.signal });
    await pending(server, '/auth/logout');
    abort.abort();
    await expect(call).rejects.toThrow(/abort/i);

    expect((await client.post('/auth/refresh')).status).toBe(200); // still logged in
    server.control.failLogout(null);
    expect((await client.post('/auth/logout')).status).toBe(204);
    await client.get('/'); // a new CSRF cookie, the old one was cleared
    expect((await client.post('/auth/refresh')).status).toBe(401); // the logout did happen
  });

  it('applies to cookie-mode logout too', async () => {
    const client = await loggedIn('/auth/cookie/login');
    server.control.failLogout('500');
    expect((await client.post('/auth/cookie/logout')).status).toBe(500);
    expect((await client.get('/api/cookie/me')).status).toBe(200);
  });
});

describe('setClearSiteData', () => {
  it('changes the Clear-Site-Data of logout answers until reset, which restores the configured value', async () => {
    const logoutHeader = async () => (await (await loggedIn()).post('/auth/logout')).headers.get('clear-site-data');
    expect(await logoutHeader()).toBe('"cookies", "storage"');
    server.control.setClearSiteData('"cookies"');
    expect(await logoutHeader()).toBe('"cookies"');
    server.control.setClearSiteData(false);
    expect(await logoutHeader()).toBeNull();
    server.control.reset();
    expect(await logoutHeader()).toBe('"cookies", "storage"');
  });
});

describe('setAccessTokenTtl, stats and reset', () => {
  it('changes the lifetime of tokens issued from now on, in both modes', async () => {
    server.control.setAccessTokenTtl(5);
    const client = new Client(server.url);
    const res = await client.post('/auth/login', { json: alice });
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(5);
    const claims = decodeJwt(body.access_token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(5);
    // Another browser: a cookie-mode login in this one would end its bearer session (re-login revokes).
    const cookie = await new Client(server.url).post('/auth/cookie/login', { json: alice });
    expect(await cookie.json()).toEqual({ expires_in: 5 });
    server.control.reset();
    expect(((await (await client.post('/auth/refresh')).json()) as { expires_in: number }).expires_in).toBe(20);
  });

  it('counts calls and logs every /auth and /api request with lowercased headers, credentials only as fingerprints', async () => {
    const client = new Client(server.url);
    await client.get('/');
    await client.post('/auth/login', { json: { username: 'alice', password: 'bad' } });
    const access = await client.login();
    await client.post('/auth/refresh');
    await client.get('/api/me', { bearer: access, headers: { 'X-Custom': 'yes' } });
    await client.get('/api/me');
    await client.post('/auth/logout');

    const stats = server.control.stats();
    expect(stats).toMatchObject({ loginCalls: 2, refreshCalls: 1, rotations: 1, reuseDetections: 0, logoutCalls: 1, apiCalls: 2, api401s: 1 });
    expect(stats.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /auth/login 401',
      'POST /auth/login 200',
      'POST /auth/refresh 200',
      'GET /api/me 200',
      'GET /api/me 401',
      'POST /auth/logout 204',
    ]);
    const api = stats.requests[3]!;
    expect(api.headers).toMatchObject({ authorization: `Bearer ${fingerprint(access)}`, 'x-custom': 'yes' });
    const refresh = stats.requests[2]!.headers;
    expect(refresh['x-xsrf-token']).toMatch(/^redacted:[0-9a-f]{12}$/);
    expect(refresh['x-xsrf-token']).toBe(refresh.cookie!.match(/XSRF-TOKEN=([^;]+)/)![1]);
    // No credential in the log, in any form: not the access token, the refresh cookie, the session cookie or the CSRF token.
    const log = JSON.stringify(stats.requests);
    for (const secret of [access, client.jar.get('tw_refresh'), client.jar.get('XSRF-TOKEN')].filter(Boolean)) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/connect\.sid=s%3A|connect\.sid=s:/);
    expect(api.at).toBeGreaterThan(Date.now() - 10_000);

    server.control.failRefresh(3, '500');
    server.control.failLogout('500');
    server.control.delayRefresh(10_000);
    server.control.reset();
    const { requests, ...counters } = server.control.stats();
    expect(requests).toEqual([]);
    expect(Object.keys(counters)).toContain('nonceChallenges');
    expect(new Set(Object.values(counters))).toEqual(new Set([0]));
    const again = await loggedIn();
    expect((await again.post('/auth/refresh')).status).toBe(200); // switches and delay are off
    expect((await again.post('/auth/logout')).status).toBe(204);
  });

  it('rejects bad arguments', () => {
    expect(() => server.control.failRefresh(1, 'teapot' as '500')).toThrow(RangeError);
    expect(() => server.control.failLogout('429' as '500')).toThrow(RangeError);
    expect(() => server.control.setAccessTokenTtl(0)).toThrow(RangeError);
    expect(() => server.control.delayRefresh(-1)).toThrow(RangeError);
  });
});

describe('HTTP control endpoints', () => {
  const control = (path: string, body?: unknown) =>
    fetch(
      `${server.url}/__test__/${path}`,
      body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );

  it('drive the same switches as the in-process control', async () => {
    const client = await loggedIn();
    expect(await (await control('ttl', { seconds: 3 })).json()).toEqual({ ok: true });
    expect(((await (await client.post('/auth/refresh')).json()) as { expires_in: number }).expires_in).toBe(3);

    expect((await control('fail-refresh', { count: 1, kind: '429', retryAfter: 9 })).status).toBe(200);
    const limited = await client.post('/auth/refresh');
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '9']);

    expect((await control('delay-refresh', { ms: 100 })).status).toBe(200);
    const started = performance.now();
    expect((await client.post('/auth/refresh')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);

    expect((await control('fail-logout', { kind: 'hang' })).status).toBe(200);
    expect((await control('fail-logout', { kind: null })).status).toBe(200);
    expect((await control('fail-logout', { kind: '500' })).status).toBe(200);
    expect((await client.post('/auth/logout')).status).toBe(500);

    const stats = (await (await control('stats')).json()) as { refreshCalls: number; rotations: number; logoutCalls: number; requests: unknown[] };
    expect(stats).toMatchObject({ refreshCalls: 3, rotations: 2, logoutCalls: 1 });
    expect(stats.requests).toHaveLength(5); // /__test__ calls are not logged

    expect((await control('reset', {})).status).toBe(200);
    expect(server.control.stats().loginCalls).toBe(0);
    expect((await client.post('/auth/logout')).status).toBe(204);
  });

  it('answer 400 to bad arguments', async () => {
    for (const [path, body] of [
      ['fail-refresh', { count: 1, kind: 'teapot' }],
      ['fail-refresh', { kind: '500' }],
      ['ttl', {}],
      ['delay-refresh', { ms: -5 }],
      ['fail-logout', { kind: 'html' }],
    ] as const) {
      const res = await control(path, body);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('are not mounted without controls: true', () =>
    withServer({}, async (plain) => {
      expect((await fetch(`${plain.url}/__test__/stats`)).status).toBe(404);
      expect((await fetch(`${plain.url}/__test__/fail-refresh`, { method: 'POST' })).status).toBe(404);
    }));
});

describe('close()', () => {
  it('ends promptly with a hanging request and a pending delayed refresh', async () => {
    const srv = await startReferenceServer({ controls: true }); // the recorder shows the pending requests
    const client = new Client(srv.url);
    await client.login();
    srv.control.failRefresh(1, 'hang');
    const hanging = client.post('/auth/refresh');
    await pending(srv, '/auth/refresh');
    srv.control.delayRefresh(60_000);
    const delayed = new Client(srv.url, client.jar).post('/auth/refresh');
    await until(() => srv.control.stats().requests.filter((r) => r.status === 0).length === 2);

    const started = performance.now();
    await srv.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(hanging).rejects.toThrow(TypeError);
    await expect(delayed).rejects.toThrow(TypeError);
    await expect(fetch(srv.url)).rejects.toThrow(TypeError);
    await srv.close(); // idempotent
  });
});
