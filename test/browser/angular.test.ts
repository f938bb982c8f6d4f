// tokenward/angular in real Chromium against the reference server: the fixture app
// (test/browser/angular-app, compiled by ngc) calls the API through HttpClient and the
// interceptor, and guards a route with authGuard. The shared login/refresh/logout run is in bindings.test.ts.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { useBrowserSuite } from './harness/suite.ts';

// Tokens that outlive the test: the only refreshes are the ones a 401 asks for.
const h = useBrowserSuite({ server: { accessTokenTtl: 600 } });

async function openApp(page: Page, route = '/'): Promise<void> {
  await page.goto(`${h.server.url}/angular.html#${route}`);
  await page
    .locator('#status')
    .filter({ hasText: /^(unauthenticated|authenticated as .+)$/ })
    .waitFor();
}

async function signIn(page: Page): Promise<void> {
  await page.click('#login');
  await waitForState(page, 'authenticated');
}

/** Waits until the routed page shows exactly `text`. */
function shows(page: Page, text: string): Promise<void> {
  return page
    .locator('#page')
    .filter({ hasText: new RegExp(`^${text.replace(/[?=/]/g, '\\$&')}$`) })
    .waitFor({ timeout: 5_000 });
}

describe('tokenward/angular: the HttpClient interceptor', () => {
  it('refreshes once for concurrent requests that all get a 401, and retries each once', async () => {
    const page = await (await h.context()).newPage();
    const errors = trackErrors(page);
    await openApp(page);
    await signIn(page);
    h.server.control.reset();
    const statuses = await page.evaluate(async () => {
      // Valid for the client, rejected by the server (as a revoked token would be).
      await window.session.setTokens({ access_token: 'not.a-valid.jwt', expires_in: 60 });
      return window.twAngular.get('/api/me', 10);
    });
    const stats = h.server.control.stats();
    expect(statuses).toEqual(Array(10).fill(200));
    expect(stats.refreshCalls).toBe(1);
    expect(stats.api401s).toBe(10);
    expect(stats.apiCalls).toBe(20);
    // Every call carried a bearer token: the bad one first, the refreshed one on the retry.
    const calls = stats.requests.filter((request) => request.path === '/api/me');
    expect(calls.every((request) => request.headers.authorization?.startsWith('redacted:'))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('leaves requests to other origins to HttpClient, without the token, cookies or CSRF header', async () => {
    // Another origin, which the session does not trust: it records what reaches it and lets the page read its answer.
    const seen: IncomingHttpHeaders[] = [];
    const other = createServer((request, response) => {
      // The POST's JSON body asks for a CORS preflight first; only the requests themselves count.
      if (request.method !== 'OPTIONS') seen.push(request.headers);
      response
        .writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'content-type', 'Content-Type': 'application/json' })
        .end('{}');
    }).listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const page = await (await h.context()).newPage();
      await openApp(page);
      await signIn(page);
      h.server.control.reset();
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/me`;
      // A POST too: the CSRF header goes only with unsafe methods to trusted origins.
      const statuses = await page.evaluate((url) => Promise.all([window.twAngular.get(url, 1), window.twAngular.post(url)]), url);
      expect(statuses).toEqual([[200], 200]);
      expect(seen).toHaveLength(2);
      for (const headers of seen) {
        expect(headers).not.toHaveProperty('authorization');
        expect(headers).not.toHaveProperty('dpop');
        expect(headers).not.toHaveProperty('cookie');
        expect(headers).not.toHaveProperty('x-xsrf-token');
      }
      expect(h.server.control.stats().refreshCalls).toBe(0);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('tokenward/angular: authGuard', () => {
  it('guards the protected route, and leaves it with the reason on logout here or in another tab', async () => {
    const context = await h.context();
    const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
    const errors = [trackErrors(a), trackErrors(b)];
    await Promise.all([openApp(a, '/private'), openApp(b)]);
    await shows(a, 'login next=/private reason=');
    await signIn(a);
    await waitForState(b, 'authenticated');
    await Promise.all([a, b].map((page) => page.evaluate(() => window.twAngular.navigate('/private'))));
    await shows(a, 'private');
    await shows(b, 'private');

    await b.click('#logout');
    await shows(b, 'login next=/private reason=user');
    await shows(a, 'login next=/private reason=other-tab');
    for (const list of errors) expect(list).toEqual([]);
  });
});
