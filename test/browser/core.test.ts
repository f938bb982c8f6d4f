// The core session engine in a real browser against the reference server: login, silent
// refresh over several token lifetimes, single flight, every transient fault, the verdict
// of the server (invalid_grant), CSRF, the origin policy and cookie mode.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SessionOptions, TokenwardErrorCode } from '../../src/index.ts';
import type { RefreshFailure } from '../../demo/server/index.ts';
import { trackErrors, waitForState } from './harness/browser.ts';
import { startRecorder } from './harness/recorder.ts';
import { serverLoggedOut } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({ server: { accessTokenTtl: 3, controls: true } });

/** Creates `window.session` in the page, waits for `ready`, and logs in unless told not to. */
async function signIn(page: Page, options: SessionOptions = {}, login = true): Promise<void> {
  await page.evaluate(
    async ({ options, login }) => {
      window.session = window.tokenward.createSession({ storage: 'memory', ...options });
      await window.session.ready;
      if (login) await window.session.login({ username: 'alice', password: 'wonderland' });
    },
    { options, login },
  );
}

/** Calls `path` with session.http every `every` ms for `ms` ms; returns how each call ended. */
function callApiFor(page: Page, path: string, ms: number, every = 100): Promise<{ ok: number; failed: string[] }> {
  return page.evaluate(
    async ({ path, ms, every }) => {
      const failed: string[] = [];
      let ok = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        try {
          await window.session.http.get(path, { retry: 0 }).json();
          ok++;
        } catch (error) {
          failed.push(String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, every));
      }
      return { ok, failed };
    },
    { path, ms, every },
  );
}

describe('core session engine (real Chromium, reference server)', () => {
  it('logs in: authenticated with decoded claims and a token the API accepts', async () => {
    const page = await h.newTab();
    const errors = trackErrors(page);
    await signIn(page);
    const state = await waitForState(page, 'authenticated');
    expect(state.claims?.sub).toBe('alice');
    expect(state.expiresAt).toBeGreaterThan(Date.now());
    const me = await page.evaluate(() => window.session.http.get('/api/me').json<{ user: string }>());
    expect(me.user).toBe('alice');
    const auth = h.server.control.stats().requests.find((r) => r.path === '/api/me')?.headers.authorization;
    // The server's request log keeps credentials only as fingerprints.
    expect(auth).toMatch(/^Bearer redacted:[0-9a-f]{12}$/);
    expect(h.server.control.stats().loginCalls).toBe(1);
    expect(errors).toEqual([]);
  });

  it('rejects wrong credentials with a typed login_failed error and stays signed out', async () => {
    const page = await h.newTab();
    await signIn(page, {}, false);
    const result = await page.evaluate(() =>
      window.session.login({ username: 'alice', password: 'nope' }).then(
        () => 'resolved',
        (error: InstanceType<typeof window.tokenward.TokenwardError>) => `${error.name}:${error.code}:${error.status}`,
      ),
    );
    expect(result).toBe('TokenwardError:login_failed:401');
    expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
  });

  it('stays signed in over four 3 s token lifetimes while the app calls the API, with no 401 reaching it', async () => {
    const page = await h.newTab();
    const errors = trackErrors(page);
    await signIn(page);
    const result = await callApiFor(page, '/api/me', 12_500);
    const stats = h.server.control.stats();
    expect(result.failed).toEqual([]);
    expect(result.ok).toBeGreaterThan(50);
    expect(stats.rotations).toBeGreaterThanOrEqual(4);
    expect(stats.reuseDetections).toBe(0);
    expect(await page.evaluate(() => window.session.getState().status)).toBe('authenticated');
    expect(errors).toEqual([]);
  });

  it('shares one refresh among 50 concurrent requests that find the token expired', async () => {
    const page = await h.newTab();
    await signIn(page);
    h.server.control.reset();
    // The refreshed token must outlive the test: a 3 s one is due again after 1.5 s, which a loaded machine reaches.
    h.server.control.setAccessTokenTtl(60);
    const statuses = await page.evaluate(async () => {
      // The client now believes its token expired a moment ago, as after a laptop slept.
      await window.session.setTokens({ access_token: 'opaque-and-expired', expires_in: 0.001 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const calls = Array.from({ length: 50 }, () => window.session.http.get('/api/me', { retry: 0 }).then((r) => r.status));
      return Promise.all(calls);
    });
    expect(statuses).toEqual(Array(50).fill(200));
    expect(h.server.control.stats().refreshCalls).toBe(1);
  });

  it('shares one refresh among 50 concurrent requests that all get a 401, and retries each once', async () => {
    const page = await h.newTab();
    await signIn(page);
    h.server.control.reset();
    h.server.control.setAccessTokenTtl(60);
    const statuses = await page.evaluate(async () => {
      // Valid for the client, rejected by the server (as a revoked token would be).
      await window.session.setTokens({ access_token: 'not.a-valid.jwt', expires_in: 60 });
      return Promise.all(Array.from({ length: 50 }, () => window.session.fetch('/api/me').then((r) => r.status)));
    });
    const stats = h.server.control.stats();
    expect(statuses).toEqual(Array(50).fill(200));
    expect(stats.refreshCalls).toBe(1);
    expect(stats.api401s).toBe(50);
    expect(stats.apiCalls).toBe(100);
  });

  it('hands a second 401 to the caller instead of looping', async () => {
    const page = await h.newTab();
    await signIn(page);
    h.server.control.reset();
    // /api/cookie/* only accepts a cookie-mode session: a bearer session gets 401 whatever it does.
    const status = await page.evaluate(() => window.session.fetch('/api/cookie/me').then((r) => r.status));
    const stats = h.server.control.stats();
    expect(status).toBe(401);
    expect(stats.refreshCalls).toBe(1);
    expect(stats.requests.filter((r) => r.path === '/api/cookie/me')).toHaveLength(2);
    expect(await page.evaluate(() => window.session.getState().status)).toBe('authenticated');
  });

  const faults: Array<[RefreshFailure, TokenwardErrorCode]> = [
    ['500', 'server'],
    ['429', 'rate_limited'],
    ['html', 'invalid_response'],
    ['hang', 'timeout'],
    ['drop', 'network'],
  ];
  for (const [kind, code] of faults) {
    it(`keeps the session through refresh failures of kind ${kind} (${code}) and recovers`, async () => {
      const page = await h.newTab();
      const errors = trackErrors(page);
      await signIn(page, { timeout: 1_000, backoff: { base: 200, cap: 400 } });
      const failures = 2;
      h.server.control.failRefresh(failures, kind, { retryAfter: 1 });
      const seen = await page.evaluate(async () => {
        const codes: string[] = [];
        window.session.on('error', ({ error }) => codes.push(error.code));
        const first = await window.session.refresh().then(
          () => 'resolved',
          (error: { code: string }) => error.code,
        );
        const during = window.session.getState();
        return { first, codes: [...codes], status: during.status, error: during.error?.code };
      });
      expect(seen).toEqual({ first: code, codes: [code], status: 'authenticated', error: code });
      // The backoff retries on its own until the server is healthy again.
      const recovered = await waitForState(page, (s) => s.status === 'authenticated' && s.error === null && !s.refreshing, {
        timeout: 15_000,
      });
      expect(recovered.status).toBe('authenticated');
      const stats = h.server.control.stats();
      expect(stats.refreshCalls).toBe(failures + 1);
      expect(stats.rotations).toBe(1);
      if (kind === '429') {
        // Retry-After: 1 was honoured: the second attempt came at least a second after the first.
        const times = stats.requests.filter((r) => r.path === '/auth/refresh').map((r) => r.at);
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
      }
      expect(await page.evaluate(() => window.session.http.get('/api/me').then((r) => r.status))).toBe(200);
      expect(errors).toEqual([]);
    });
  }

  it('logs out with reason refresh-rejected when the server answers invalid_grant', async () => {
    const page = await h.newTab();
    const errors = trackErrors(page);
    await signIn(page);
    // An attacker who stole the refresh cookie replays it after the app rotated it: the
    // server detects the reuse and revokes the whole family, the app's current token included.
    const context = await h.context();
    const stolen = (await context.cookies()).find((c) => c.name === 'tw_refresh')?.value;
    await page.evaluate(() => window.session.refresh());
    const replay = await fetch(`${h.server.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `tw_refresh=${stolen}; XSRF-TOKEN=x`, 'x-xsrf-token': 'x' },
    });
    expect(replay.status).toBe(401);
    expect(h.server.control.stats().reuseDetections).toBe(1);
    const outcome = await page.evaluate(async () => {
      const reasons: string[] = [];
      const loggedOut = new Promise<void>((resolve) => window.session.on('logout', ({ reason }) => (reasons.push(reason), resolve())));
      const code = await window.session.refresh().then(
        () => 'resolved',
        (error: { code: string }) => error.code,
      );
      await loggedOut;
      return { code, reasons, status: window.session.getState().status, token: await window.session.getAccessToken() };
    });
    expect(outcome).toEqual({ code: 'refresh_rejected', reasons: ['refresh-rejected'], status: 'unauthenticated', token: null });
    expect(errors).toEqual([]);
  });

  it('sends the CSRF header on refresh and logout', async () => {
    const page = await h.newTab();
    await signIn(page);
    await page.evaluate(async () => {
      await window.session.refresh();
      await window.session.logout();
    });
    await serverLoggedOut(h.server);
    const { requests } = h.server.control.stats();
    const refresh = requests.find((r) => r.path === '/auth/refresh');
    const logout = requests.find((r) => r.path === '/auth/logout');
    expect(refresh?.status).toBe(200);
    expect(refresh?.headers['x-xsrf-token']).toMatch(/.{16,}/);
    expect(logout?.headers['x-xsrf-token']).toBe(refresh?.headers['x-xsrf-token']);
    // The server cleared its cookies on logout.
    const context = await h.context();
    await expect.poll(async () => (await context.cookies()).map((c) => c.name)).not.toContain('tw_refresh');
  });

  it('sends no bearer token and no CSRF header to an origin that is not trusted, and both to one that is', async () => {
    const recorder = await startRecorder({ allowOrigin: new URL(h.pageUrl).origin });
    try {
      const page = await h.newTab();
      await signIn(page);
      await page.evaluate(async (url) => {
        await window.session.http.post(`${url}/untrusted`, { json: { a: 1 } });
        await window.session.fetch(`${url}/untrusted-fetch`, { method: 'PUT' });
        const trusting = window.tokenward.createSession({ storage: 'memory', trustedOrigins: [url], name: 'trusting' });
        await trusting.setTokens({ access_token: 'trusted-origin-token', expires_in: 60 });
        await trusting.http.post(`${url}/trusted`, { json: { a: 1 } });
        trusting.dispose();
      }, recorder.url);
      const byPath = (path: string) => recorder.records.find((r) => r.method !== 'OPTIONS' && r.path === path)?.headers;
      for (const path of ['/untrusted', '/untrusted-fetch']) {
        expect(byPath(path)).toBeDefined();
        expect(byPath(path)?.authorization).toBeUndefined();
        expect(byPath(path)?.['x-xsrf-token']).toBeUndefined();
      }
      expect(byPath('/trusted')?.authorization).toBe('Bearer trusted-origin-token');
      expect(byPath('/trusted')?.['x-xsrf-token']).toMatch(/.{16,}/);
    } finally {
      await recorder.close();
    }
  });

  it('works end to end in cookie mode, where the page never sees a token', async () => {
    const page = await h.newTab();
    const errors = trackErrors(page);
    await signIn(page, {
      mode: 'cookie',
      endpoints: { login: '/auth/cookie/login', refresh: '/auth/cookie/refresh', logout: '/auth/cookie/logout' },
    });
    expect((await waitForState(page, 'authenticated')).expiresAt).toBeGreaterThan(Date.now());
    expect(await page.evaluate(() => window.session.getAccessToken())).toBeNull();
    const result = await callApiFor(page, '/api/cookie/me', 7_000, 200);
    expect(result.failed).toEqual([]);
    const posted = await page.evaluate(() => window.session.http.post('/api/cookie/items', { json: { x: 1 } }).then((r) => r.status));
    expect(posted).toBe(200);
    const stats = h.server.control.stats();
    expect(stats.refreshCalls).toBeGreaterThanOrEqual(2);
    expect(stats.requests.filter((r) => r.path.startsWith('/api/')).every((r) => r.headers.authorization === undefined)).toBe(true);
    await page.evaluate(() => window.session.logout());
    await serverLoggedOut(h.server);
    expect(await page.evaluate(() => window.session.fetch('/api/cookie/me').then((r) => r.status))).toBe(401);
    expect(errors).toEqual([]);
  });
});
