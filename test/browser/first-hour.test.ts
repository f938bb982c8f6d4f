// Issue 13, what a developer meets in the first hour: destructured methods, errors that say
// what the server said, a state that says when it is reconnecting, bindings that follow a
// logout. Real Chromium against the reference server.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { startRecorder } from './harness/recorder.ts';
import { eventsOf, login, startSessions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({ server: { accessTokenTtl: 30, controls: true } });

describe('13.2 an API you cannot hold wrong', () => {
  it('works with every member taken off the session', async () => {
    const [page] = await h.newTabs(1);
    const errors = trackErrors(page!);
    const seen = await page!.evaluate(async () => {
      const { ready, login, getState, subscribe, on, getAccessToken, refresh, http, fetch, logout, setTokens, dispose } = window.tokenward.createSession({
        storage: 'memory',
      });
      await ready;
      const states: string[] = [];
      const stop = subscribe((state) => states.push(state.status));
      const events: string[] = [];
      on('refresh', () => events.push('refresh'));
      await login({ username: 'alice', password: 'wonderland' });
      const token = await getAccessToken();
      await refresh();
      const me = await http.get('/api/me').json<{ user: string }>();
      const status = (await fetch('/api/me')).status;
      await setTokens({ access_token: 'other', expires_in: 60 });
      await logout();
      stop();
      dispose();
      return { state: getState().status, states: [...new Set(states)], events, hasToken: typeof token === 'string', me: me.user, status };
    });
    expect(seen).toEqual({
      state: 'unauthenticated',
      states: ['authenticated', 'unauthenticated'],
      events: ['refresh'],
      hasToken: true,
      me: 'alice',
      status: 200,
    });
    expect(errors).toEqual([]);
  });

  it("carries the server's OAuth error on a failed login, tells a bad request from wrong credentials, and exports ky's errors", async () => {
    const [page] = await h.newTabs(1);
    await startSessions([page!]);
    const outcomes = await page!.evaluate(async () => {
      const { TokenwardError, HTTPError } = window.tokenward;
      const describe = (error: unknown) =>
        error instanceof TokenwardError
          ? `${error.code} ${error.status} ${error.oauthError}`
          : error instanceof HTTPError
            ? `HTTPError ${error.response.status}`
            : String(error);
      const wrong = await window.session.login({ username: 'alice', password: 'nope' }).catch(describe);
      const malformed = await window.session.login({ user: 'alice' }).catch(describe);
      await window.session.login({ username: 'alice', password: 'wonderland' });
      const missing = await window.session.http.get('/auth/nowhere', { retry: 0 }).catch(describe);
      return { wrong, malformed, missing };
    });
    expect(outcomes).toEqual({
      wrong: 'login_failed 401 invalid_credentials',
      malformed: 'http 400 invalid_request',
      missing: 'HTTPError 404',
    });
  });
});

describe('13.3 states an app can render truthfully', () => {
  it('says expired beside authenticated when the API is down and the stored token has expired, and clears it on recovery', async () => {
    const [page] = await h.newTabs(1);
    const errors = trackErrors(page!);
    await startSessions([page!]);
    await login(page!);
    // Stored, then expired while the app was closed.
    await page!.evaluate(async () => {
      await window.session.setTokens({ access_token: 'expired.while.closed', expires_in: 0.001 });
      // Closed before its own refresh could run.
      window.session.dispose();
    });
    h.server.control.failRefresh(1, '500');
    await page!.reload();
    await startSessions([page!], { backoff: { base: 300, cap: 300 } });
    const restored = await page!.evaluate(() => {
      const { status, expired, error } = window.session.getState();
      return { status, expired, code: error?.code };
    });
    expect(restored).toEqual({ status: 'authenticated', expired: true, code: 'server' });
    expect(await eventsOf(page!)).toEqual(['error:server', 'expired']);

    const recovered = await waitForState(page!, (s) => s.status === 'authenticated' && !s.expired);
    expect(recovered.error).toBeNull();
    expect(await page!.evaluate(() => window.session.getAccessToken())).not.toBe('expired.while.closed');
    expect(errors).toEqual([]);
  });
});

describe('13.1 wiring your app to your API', () => {
  it('says what to check when the browser hides why a cross-origin call failed (CORS)', async () => {
    // An API on another origin that lets some other site in, not this page.
    const api = await startRecorder({ allowOrigin: 'http://elsewhere.example' });
    try {
      const [page] = await h.newTabs(1);
      await startSessions([page!], { baseUrl: api.url });
      const message = await page!.evaluate(() =>
        window.session
          .login({ username: 'alice', password: 'wonderland' })
          .catch((error: { code: string; message: string }) => `${error.code}: ${error.message}`),
      );
      expect(message).toBe(`network: login request failed: offline, or CORS: ${api.url} must allow ${new URL(h.pageUrl).origin} with credentials`);
    } finally {
      await api.close();
    }
  });
});

describe('27.4 one error story for session.http and session.fetch', () => {
  /** How `session.http.get(url)` and `session.fetch(url)` end: `TokenwardError <code>: <message>`, `HTTPError <status>`, or `resolved`. */
  const outcomes = (page: Page, url: string) =>
    page.evaluate(async (url) => {
      const { TokenwardError, HTTPError } = window.tokenward;
      const describe = (error: unknown) =>
        error instanceof TokenwardError
          ? `TokenwardError ${error.code}: ${error.message}`
          : error instanceof HTTPError
            ? `HTTPError ${error.response.status}`
            : String(error);
      const settle = (call: () => Promise<unknown>) => call().then(() => 'resolved', describe);
      return { http: await settle(() => window.session.http.get(url).json()), fetch: await settle(() => window.session.fetch(url)) };
    }, url);

  it('rejects a signed-out request to the API with unauthenticated, without sending it', async () => {
    const [page] = await h.newTabs(1);
    await startSessions([page!]);
    const expected = 'TokenwardError unauthenticated: no session';
    expect(await outcomes(page!, '/api/me')).toEqual({ http: expected, fetch: expected });
    expect(h.server.control.stats().apiCalls).toBe(0);
  });

  it('rejects a request that got no answer with network through http as through fetch, saying what to check', async () => {
    // A cross-origin API that lets some other site in, not this page: the browser answers a bare TypeError.
    const api = await startRecorder({ allowOrigin: 'http://elsewhere.example' });
    try {
      const [page] = await h.newTabs(1);
      await startSessions([page!], { baseUrl: api.url, storage: 'memory' });
      await page!.evaluate(() => window.session.setTokens({ access_token: 'a-token', expires_in: 600 }));
      const expected = `TokenwardError network: request failed: offline, or CORS: ${api.url} must allow ${new URL(h.pageUrl).origin} with credentials`;
      expect(await outcomes(page!, `${api.url}/api/me`)).toEqual({ http: expected, fetch: expected });
    } finally {
      await api.close();
    }
  });
});

/** Waits until the router fixture page shows `text`. */
const shows = (page: Page, text: string) =>
  page
    .locator('#page')
    .filter({ hasText: new RegExp(`^${text.replace(/[?=/]/g, '\\$&')}$`) })
    .waitFor({ timeout: 5_000 });

// 13.4 for Vue's leaveOnLogout, 27.3 for React's useLeaveOnLogout.
describe.each([
  { binding: 'Vue with vue-router and leaveOnLogout', page: 'vue-router.html' },
  { binding: 'React with useLeaveOnLogout', page: 'react-router.html' },
])('bindings that follow the session: $binding', ({ page: fixture }) => {
  const go = (page: Page, path: string) => page.evaluate((path) => (window as unknown as { twGo(to: string): unknown }).twGo(path), path);
  const tripsToLogin = (page: Page) => page.evaluate(() => (window as unknown as { twLeft: string[] }).twLeft);

  it('guards the protected route, and leaves it once, with the route as next and the reason, on logout here or in another tab', async () => {
    const context = await h.context();
    const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
    const errors = [trackErrors(a), trackErrors(b)];
    await Promise.all([a.goto(`${h.server.url}/${fixture}#/private`), b.goto(`${h.server.url}/${fixture}`)]);
    // Signed out on arrival: no reason.
    await shows(a, 'login next=/private reason=');
    await a.evaluate(() => window.session.login({ username: 'alice', password: 'wonderland' }));
    await waitForState(b, 'authenticated');
    await go(a, '/private');
    await go(b, '/private');
    await shows(a, 'private');
    await shows(b, 'private');

    await b.evaluate(() => window.session.logout());
    await shows(b, 'login next=/private reason=user');
    await shows(a, 'login next=/private reason=other-tab');
    // Once per visit of the protected route: `next` is never the login page.
    expect(await tripsToLogin(a)).toEqual(['next=/private reason=', 'next=/private reason=other-tab']);
    expect(await tripsToLogin(b)).toEqual(['next=/private reason=user']);
    for (const list of errors) expect(list).toEqual([]);
  });
});
