// The reference server is meant to be copied, so each point of the review (issue 12 §3) has
// its test here: the recorder, the test controls, secrets, login throttling and hashing,
// re-login, the absolute lifetime, CSRF binding, cookie prefixes and Secure, and CORS (issue 13).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RECORDED_REQUESTS } from '../../demo/server/controls.ts';
import { fingerprint, signJwt } from '../../demo/server/index.ts';
import { Users } from '../../demo/server/users.ts';
import { alice, Client, setCookies, tempDatabase, useServer, withServer } from './http.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const db = tempDatabase();
const server = useServer({ db, controls: true, users: { alice: 'wonderland', dave: 'dave-password' } });

/** The reason a refresh-token family was revoked with, by the family of an access token. */
function revokedReason(family: string): string | null {
  return db.query<{ revoked_reason: string | null }>('SELECT revoked_reason FROM refresh_families WHERE id = ?', family)[0]?.revoked_reason ?? null;
}

const familyOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

/** A GET with a Host header of our choosing (fetch will not send one), answering the status. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the request recorder', () => {
  it('is not mounted without the test controls', () =>
    withServer({}, async (plain) => {
      await new Client(plain.url).login();
      expect(plain.control.stats().requests).toEqual([]);
    }));

  it(`keeps only the last ${RECORDED_REQUESTS} requests`, async () => {
    const client = new Client(server.url);
    for (let i = 0; i < RECORDED_REQUESTS + 20; i++) await client.get(`/api/n${i}`);
    const { requests } = server.control.stats();
    expect(requests).toHaveLength(RECORDED_REQUESTS);
    expect(requests.at(-1)!.path).toBe(`/api/n${RECORDED_REQUESTS + 19}`);
    expect(requests[0]!.path).toBe('/api/n20');
  });

  it('finding 10: keeps the DPoP header only as a fingerprint', async () => {
    const proof = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJqdGkiOiJ4In0.c2lnbmF0dXJl';
    await new Client(server.url).get('/api/me', { headers: { dpop: proof } });
    const recorded = server.control.stats().requests.at(-1)!;
    expect(recorded.headers.dpop).toBe(fingerprint(proof));
    expect(JSON.stringify(recorded)).not.toContain(proof);
  });
});

/**
 * A reverse proxy on this host in front of `target`, as nginx is often set up: it rewrites Host to
 * the upstream's (nginx's default) and adds the forwarding headers given. Closed afterwards.
 */
async function withSameHostProxy(target: string, forwarding: Record<string, string>, test: (url: string) => Promise<void>): Promise<void> {
  const upstream = new URL(target);
  const proxy = createServer((incoming, answer) => {
    const headers = { ...incoming.headers, host: upstream.host, ...forwarding };
    const outgoing = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers }, (res) => {
      answer.writeHead(res.statusCode ?? 502, res.headers);
      res.pipe(answer);
    });
    incoming.pipe(outgoing);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    await test(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
}

/**
 * demo/server/main.ts in a process of its own (its own process group, stopped as a whole), with
 * `env` added, on a free port and a throwaway database; `test` gets the URL it prints.
 */
async function withDemoServer(env: Record<string, string>, test: (url: string) => Promise<void>): Promise<void> {
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['demo/server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DEMO_CONTROLS: '', ...env, PORT: '0', DEMO_DB: `${db.file}-demo` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /tokenward OIDC demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`demo/server/main.ts exited before it was ready:\n${output}`)));
    });
    await test(url);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

describe('the test controls', () => {
  it('finding 10: are off in demo/server/main.ts unless DEMO_CONTROLS=1, which `npm run demo` sets', async () => {
    await withDemoServer({}, async (url) => {
      expect((await fetch(`${url}/__test__/stats`)).status).toBe(404);
    });
    await withDemoServer({ DEMO_CONTROLS: '1' }, async (url) => {
      expect((await fetch(`${url}/__test__/stats`)).status).toBe(200);
    });
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.demo).toMatch(/(^| )DEMO_CONTROLS=1 /);
  });

  it('finding 10: refuse a request that came through a proxy on this host, whatever Host it sends', async () => {
    for (const forwarding of [
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { via: '1.1 proxy' },
      { 'x-real-ip': '203.0.113.7' },
    ] as Record<string, string>[]) {
      await withSameHostProxy(server.url, forwarding, async (proxy) => {
        expect((await fetch(`${proxy}/__test__/stats`)).status, JSON.stringify(forwarding)).toBe(403);
        expect((await fetch(`${proxy}/__test__/reset`, { method: 'POST' })).status, JSON.stringify(forwarding)).toBe(403);
      });
    }
    expect((await fetch(`${server.url}/__test__/stats`)).status).toBe(200);
  });

  it('finding 10: refuse a browser request from another site (a form posted to /__test__/reset)', async () => {
    const reset = (headers: Record<string, string>) => fetch(`${server.url}/__test__/reset`, { method: 'POST', headers }).then((res) => res.status);
    expect(await reset({ 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await reset({ 'sec-fetch-site': 'same-site' })).toBe(403);
    expect(await reset({ origin: 'http://evil.example' })).toBe(403);
    expect(await reset({ 'sec-fetch-site': 'same-origin', origin: server.url })).toBe(200);
  });

  it('refuse a request whose Host is not a loopback name (DNS rebinding)', async () => {
    const stats = `${server.url}/__test__/stats`;
    expect(await getWithHost(stats, 'attacker.example')).toBe(403);
    expect(await getWithHost(stats, `attacker.example:${new URL(server.url).port}`)).toBe(403);
    expect(await getWithHost(stats, `127.0.0.1:${new URL(server.url).port}`)).toBe(200);
    expect(await getWithHost(stats, `localhost:${new URL(server.url).port}`)).toBe(200);
  });
});

describe('secrets', () => {
  it('come from JWT_SECRET and SESSION_SECRET when set', async () => {
    const saved = { jwt: process.env.JWT_SECRET, session: process.env.SESSION_SECRET };
    process.env.JWT_SECRET = 'an-operator-chosen-secret-of-enough-length';
    process.env.SESSION_SECRET = 'another-operator-chosen-secret-long-enough';
    try {
      await withServer({}, async (envServer) => {
        const now = Math.floor(Date.now() / 1000);
        const access = await new Client(envServer.url).login();
        const forged = signJwt({ sub: 'alice', iat: now, exp: now + 60, jti: 'x', sid: familyOf(access) }, Buffer.from(process.env.JWT_SECRET!));
        expect((await new Client(envServer.url).get('/api/me', { bearer: forged })).status).toBe(200);
      });
    } finally {
      for (const [name, value] of [
        ['JWT_SECRET', saved.jwt],
        ['SESSION_SECRET', saved.session],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('refuse a secret shorter than 32 bytes', async () => {
    await expect(withServer({ secrets: { jwt: 'short' } }, async () => {})).rejects.toThrow(RangeError);
  });
});

describe('login', () => {
  it('throttles per user: 429 with Retry-After after 5 failures, even for the right password', async () => {
    const client = new Client(server.url);
    for (let i = 0; i < 5; i++) expect((await client.post('/auth/login', { json: { username: 'dave', password: `guess-${i}` } })).status).toBe(401);
    const limited = await client.post('/auth/login', { json: { username: 'dave', password: 'dave-password' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(await limited.json()).toEqual({ error: 'rate_limited' });
    expect((await client.post('/auth/login', { json: alice })).status).toBe(200); // another user is not affected
  });

  it('throttles per client address, whatever the user name', () =>
    withServer({ loginLimits: { perAddress: 3 } }, async (limited) => {
      const client = new Client(limited.url);
      for (const username of ['a', 'b', 'c']) expect((await client.post('/auth/login', { json: { username, password: 'x' } })).status).toBe(401);
      expect((await client.post('/auth/login', { json: alice })).status).toBe(429);
    }));

  it('hashes passwords off the event loop', async () => {
    const users = new Users({ erin: 'erin-password' });
    let turned = false;
    setImmediate(() => (turned = true));
    expect(await users.verify('erin', 'erin-password')).toBe('erin');
    // A synchronous hash would have finished before the event loop got another turn.
    expect(turned).toBe(true);
  });

  it("in the same browser revokes that browser's previous refresh family", async () => {
    const client = new Client(server.url);
    const first = await client.login();
    const oldRefresh = client.jar.get('tw_refresh')!;
    const second = await client.login();
    expect(revokedReason(familyOf(first))).toBe('relogin');
    expect(revokedReason(familyOf(second))).toBeNull();
    expect((await client.get('/api/me', { bearer: first })).status).toBe(401);
    const replay = new Client(server.url);
    replay.jar.set('XSRF-TOKEN', 'x');
    replay.jar.set('tw_refresh', oldRefresh, '/auth');
    expect((await replay.post('/auth/refresh')).status).toBe(401);
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });
});

describe('absolute session lifetime', () => {
  it('ends a session at its absolute lifetime although it refreshed, in both modes', () =>
    withServer({ absoluteLifetime: 1 }, async (short) => {
      const bearer = new Client(short.url);
      await bearer.login();
      const cookie = new Client(short.url);
      await cookie.login('/auth/cookie/login');
      // Rotation does not move the deadline, which counts from sign-in.
      expect(setCookies(await bearer.post('/auth/refresh')).get('tw_refresh')?.attributes['max-age']).toBe('1');
      expect((await cookie.post('/auth/cookie/refresh')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // nothing to wait for but the clock
      for (const [client, path] of [
        [bearer, '/auth/refresh'],
        [cookie, '/auth/cookie/refresh'],
      ] as const) {
        expect((await client.post(path)).status).toBe(401);
        expect((await client.get('/auth/session')).status).toBe(401);
      }
    }));
});

describe('CSRF token', () => {
  it('is rotated at login, sent in the X-XSRF-TOKEN response header, and bound to the session', async () => {
    const client = new Client(server.url);
    await client.get('/');
    const planted = client.jar.get('XSRF-TOKEN')!;
    const res = await client.post('/auth/login', { json: alice });
    const rotated = client.jar.get('XSRF-TOKEN')!;
    expect(rotated).not.toBe(planted);
    expect(res.headers.get('x-xsrf-token')).toBe(rotated);
    const refreshed = await client.post('/auth/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('x-xsrf-token')).toBe(rotated);
    // Someone who can set cookies for this site (a sibling subdomain) plants a matching pair: refused.
    client.jar.set('XSRF-TOKEN', planted);
    expect((await client.post('/auth/refresh', { csrf: planted })).status).toBe(403);
    // The next response puts the session's token back in the cookie.
    expect(client.jar.get('XSRF-TOKEN')).toBe(rotated);
    expect((await client.post('/auth/refresh')).status).toBe(200);
  });
});

describe('Secure cookies', () => {
  it('are on by default for requests that came over HTTPS through a trusted proxy, with prefixed names', () =>
    withServer({ trustProxy: 'loopback' }, async (proxied) => {
      const https = new Client(proxied.url);
      const res = await https.post('/auth/login', { json: alice, headers: { 'x-forwarded-proto': 'https' } });
      const cookies = setCookies(res);
      for (const name of ['__Host-connect.sid', '__Secure-tw_refresh', '__Host-XSRF-TOKEN']) expect(cookies.get(name)?.attributes.secure, name).toBe(true);
      const plain = setCookies(await new Client(proxied.url).post('/auth/login', { json: alice }));
      for (const name of ['connect.sid', 'tw_refresh', 'XSRF-TOKEN']) expect(plain.get(name)?.attributes.secure, name).toBeUndefined();
    }));

  it('ignore X-Forwarded-Proto from a proxy that is not trusted', () =>
    withServer({}, async (direct) => {
      const cookies = setCookies(await new Client(direct.url).post('/auth/login', { json: alice, headers: { 'x-forwarded-proto': 'https' } }));
      expect(cookies.get('connect.sid')?.attributes.secure).toBeUndefined();
    }));
});

describe('CORS allow-list (cross-origin app)', () => {
  const app = 'http://app.example:5173';
  it('lets listed origins call with credentials, answers the preflight, exposes what the SDK reads; others get nothing', () =>
    withServer({ corsOrigins: [app] }, async (api) => {
      const client = new Client(api.url);
      const preflight = await client.request('OPTIONS', '/auth/refresh', {
        headers: { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-xsrf-token, content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
        'access-control-allow-origin': app,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': 'Authorization, Content-Type, DPoP, X-XSRF-TOKEN',
        'access-control-expose-headers': 'X-XSRF-TOKEN, Retry-After, DPoP-Nonce, WWW-Authenticate, Date',
        'access-control-max-age': '600',
      });
      const login = await client.post('/auth/login', { json: alice, headers: { origin: app } });
      expect(login.headers.get('access-control-allow-origin')).toBe(app);
      expect(login.headers.get('vary')).toMatch(/Origin/);
      const token = login.headers.get('x-xsrf-token')!;
      // A cross-site page cannot read the cookie: it echoes the header instead.
      expect(token).toBe(client.jar.get('__Host-XSRF-TOKEN'));
      for (const cookie of setCookies(login).values()) expect(cookie.attributes, cookie.name).toMatchObject({ samesite: 'None', secure: true });
      expect((await client.post('/auth/refresh', { headers: { origin: app, 'x-xsrf-token': token }, csrf: false })).status).toBe(200);
      // After a reload the page holds no token: a listed Origin stands in for a missing header,
      // never for a wrong one, and no other Origin does.
      expect((await client.post('/auth/refresh', { headers: { origin: app }, csrf: false })).status).toBe(200);
      expect((await client.post('/auth/refresh', { headers: { origin: app, 'x-xsrf-token': 'forged' }, csrf: false })).status).toBe(403);
      expect((await client.post('/auth/refresh', { headers: { origin: 'http://evil.example' }, csrf: false })).status).toBe(403);

      for (const origin of ['http://evil.example', 'null']) {
        const refused = await client.request('OPTIONS', '/auth/refresh', { headers: { origin, 'access-control-request-method': 'POST' } });
        expect(refused.headers.get('access-control-allow-origin')).toBeNull();
        expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      }
    }));
});
