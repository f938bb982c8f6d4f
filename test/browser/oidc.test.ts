// tokenward/oidc in real Chromium against a real OpenID Provider (oidc-provider) on its own
// origin, with the API that accepts its access tokens on a third one.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeGarbage, trackErrors, waitForState } from './harness/browser.ts';
import { keepTabsBusy, reachCallback, signIn, startLogin, stopSession, useOidcSuite } from './harness/oidc.ts';
import { eventsOf, loggedOut, startSessions } from './harness/sessions.ts';

const h = useOidcSuite();

describe('tokenward/oidc sign-in (real Chromium, oidc-provider)', () => {
  it('signs in through the provider pages, calls the API with the token, and restores on reload without the provider', async () => {
    // Tokens that outlive the test, however slow the machine: the suite's 3 s ones could be due
    // by the reload, and the refresh then (rightly) calls the provider.
    h.provider.issueAccessTokensFor(600);
    const [page] = await h.oidcTabs(1);
    const errors = trackErrors(page!);
    await h.start([page!]);
    await signIn(page!, h);
    const state = await waitForState(page!, 'authenticated');
    expect(state.claims?.sub).toBe('alice');
    expect(state.claims?.name).toBe('User alice');
    // The code and state are gone from the address bar; the app can read where it wanted to be.
    expect(page!.url()).toBe(h.oidcPage);
    expect(await page!.evaluate(() => window.oidcFlow.returnTo)).toBe('/oidc.html');
    expect(await eventsOf(page!)).toEqual(['login:this-tab']);

    const me = await page!.evaluate(async (api) => {
      const response = await window.session.fetch(`${api}/me`);
      return { status: response.status, body: (await response.json()) as { sub?: string } };
    }, h.api.url);
    expect(me).toEqual({ status: 200, body: expect.objectContaining({ sub: 'alice' }) });
    expect(h.api.stats().accepted).toBe(1);

    const calls = h.provider.requests.length;
    await page!.reload();
    await h.start([page!]);
    expect((await waitForState(page!, 'authenticated')).claims?.sub).toBe('alice');
    expect(h.provider.requests.slice(calls)).toEqual([]);
    // The provider's endpoints never see a bearer token, and its API endpoints no cookie.
    expect(h.provider.requests.filter((r) => r.authorization)).toEqual([]);
    expect(h.provider.requests.filter((r) => r.path.startsWith('/token') && r.cookie)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('signs every tab out, revokes the refresh token at the provider, and ends the provider session on logout({ redirect: true })', async () => {
    const [first, ...others] = await h.oidcTabs(3);
    const earlier = new Set(h.provider.refreshTokens());
    await h.start([first!]);
    await signIn(first!, h);
    await h.start(others);
    for (const page of others) expect((await waitForState(page, 'authenticated')).claims?.sub).toBe('alice');
    const ours = h.provider.refreshTokens().filter((token) => !earlier.has(token));
    expect(ours).toHaveLength(1);
    const refreshToken = ours[0];

    await others[0]!.evaluate(() => window.session.logout());
    for (const page of [first!, ...others]) await waitForState(page, 'unauthenticated');
    await expect.poll(() => h.provider.stats().revocations).toBe(1);
    // The provider refuses the revoked refresh token, asked directly.
    const direct = await fetch(`${h.provider.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: h.provider.clientId }),
    });
    expect({ status: direct.status, body: await direct.json() }).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The provider session (its cookie) outlives a plain logout...
    const providerSessions = h.provider.sessionCount();

    // ...and ends with an RP-initiated logout, which comes back to post_logout_redirect_uri.
    await signIn(first!, h);
    await first!.evaluate(() => void window.session.logout({ redirect: true })).catch(() => undefined);
    await first!.waitForURL(`${h.provider.issuer}/session/end**`);
    await first!.click('button[name=logout]');
    // The provider adds the state it was given.
    await first!.waitForURL((url) => url.href.startsWith(`${h.oidcPage}?`) && url.searchParams.has('signed-out') && url.searchParams.has('state'));
    expect(h.provider.sessionCount()).toBe(providerSessions - 1);
    await expect.poll(() => h.provider.refreshTokens().filter((token) => !earlier.has(token))).toEqual([]);
    // Signing in again takes the provider's login page: its session really ended.
    await h.start([first!]);
    await startLogin(first!);
    await first!.waitForURL(`${h.provider.issuer}/interaction/**`);
    expect(await first!.locator('input[name=login]').count()).toBe(1);
  });
});

describe('tokenward/oidc logout when the provider fails', () => {
  it.each(['500', 'down'] as const)('signs out at once when revocation is %s, and says so with an error event', async (failure) => {
    const [page, other] = await h.oidcTabs(2);
    await h.start([page!]);
    await signIn(page!, h);
    await h.start([other!]);
    await waitForState(other!, 'authenticated');
    h.provider.failToken(failure, '/token/revocation');
    await page!.evaluate(() => window.session.logout());
    for (const tab of [page!, other!]) await waitForState(tab, 'unauthenticated');
    // The failure may come before or after this tab's cleanup ends; the logout never waits for it.
    await expect.poll(async () => (await eventsOf(page!)).sort()).toEqual(['error:logout_failed', 'login:this-tab', 'logout:user']);
    expect(await eventsOf(other!)).toEqual(['logout:other-tab']);
    // The revocation was attempted (Chromium itself resends a request whose reused connection was dropped).
    expect(h.provider.requests.filter((r) => r.path === '/token/revocation').length).toBeGreaterThan(0);
    // Nothing of the session is left in the browser either way.
    const dump = await page!.evaluate(() => window.twTest.dumpAllStorage());
    expect(dump.indexedDB.filter((record) => record.key === 'session' && !record.value.includes('signedOut'))).toEqual([]);
  });
});

/** What a refused callback must leave: unauthenticated, no tokens anywhere in the browser's storage. */
async function expectNothingStored(page: Page): Promise<void> {
  expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
  const dump = await page.evaluate(() => window.twTest.dumpAllStorage());
  expect(dump.indexedDB.filter((record) => record.key === 'session' && !record.value.includes('signedOut'))).toEqual([]);
  expect(dump.indexedDB.map((record) => record.key)).not.toContain('oidc-login');
}

describe('tokenward/oidc refused callbacks', () => {
  it('refuses a replayed callback URL in another browser and in the one that signed in: typed error, no token call', async () => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!]);
    const callback = await signIn(page!, h);
    const exchanges = h.provider.stats().codeExchanges;
    const attacker = await h.newContext();
    const [other] = await h.oidcTabs(1, attacker);
    await other!.goto(callback);
    await h.start([other!]);
    expect(await eventsOf(other!)).toEqual(['error:callback_rejected']);
    expect(other!.url()).toBe(h.oidcPage);
    await expectNothingStored(other!);
    expect(h.provider.stats().codeExchanges).toBe(exchanges);

    // The same URL again in the browser that signed in, still signed in: the state was used up,
    // and the session keeps its user.
    await stopSession(page!);
    await page!.goto(callback);
    await h.start([page!]);
    expect(await eventsOf(page!)).toEqual(['error:callback_rejected']);
    expect(await page!.evaluate(() => window.twErrors)).toMatchObject([{ message: expect.stringContaining('reused state') }]);
    expect((await waitForState(page!, 'authenticated')).claims?.sub).toBe('alice');
    expect(page!.url()).toBe(h.oidcPage);

    // And once more after a logout: still refused, nothing stored.
    await page!.evaluate(() => window.session.logout());
    await page!.goto(callback);
    await h.start([page!]);
    expect(await eventsOf(page!)).toEqual(['error:callback_rejected']);
    await expectNothingStored(page!);
    expect(h.provider.stats().codeExchanges).toBe(exchanges);
  });

  it.each([
    ['state', (value: string) => `${value}x`, 'state mismatch'],
    // RFC 9207: oidc-provider advertises the `iss` parameter, so a callback naming another issuer is a mix-up.
    ['iss', () => 'http://127.0.0.1:1', '"iss"'],
  ])('refuses a callback whose %s was tampered with, and uses up the pending sign-in', async (name, tamper, why) => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!]);
    const callback = new URL(await reachCallback(page!, h));
    callback.searchParams.set(name, tamper(callback.searchParams.get(name) ?? ''));
    await page!.goto(callback.href);
    await h.start([page!]);
    expect(await eventsOf(page!)).toEqual(['error:callback_rejected']);
    expect(await page!.evaluate(() => window.twErrors)).toMatchObject([{ message: expect.stringContaining(why) }]);
    await expectNothingStored(page!);
    expect(h.provider.stats().codeExchanges).toBe(0);
  });

  it('refuses a callback whose sign-in started more than 10 minutes earlier (page clock moved), and takes one within them', async () => {
    const [page] = await h.oidcTabs(1);
    // The page's clock runs on from real time; it is moved on between the start of a sign-in and its callback.
    await page!.clock.install();
    const moveClockOn = async (ms: number) => page!.clock.setSystemTime((await page!.evaluate(() => Date.now())) + ms);
    await h.start([page!]);
    await reachCallback(page!, h);
    await moveClockOn(10 * 60_000 + 1_000);
    await h.start([page!]);
    expect(await eventsOf(page!)).toEqual(['error:callback_rejected']);
    expect(await page!.evaluate(() => window.twErrors)).toMatchObject([{ message: expect.stringContaining('longer than 10 minutes') }]);
    expect(page!.url()).toBe(h.oidcPage);
    await expectNothingStored(page!);
    expect(h.provider.stats().codeExchanges).toBe(0);

    // The same trip with the clock moved on by a little less completes the sign-in.
    await reachCallback(page!, h);
    await moveClockOn(10 * 60_000 - 30_000);
    await h.start([page!]);
    expect((await waitForState(page!, 'authenticated')).claims?.sub).toBe('alice');
    expect(h.provider.stats().codeExchanges).toBe(1);
  });

  it('reports a sign-in the user cancelled at the provider as login_failed with access_denied', async () => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!]);
    await startLogin(page!);
    await page!.waitForURL(`${h.provider.issuer}/interaction/**`);
    await page!.click('text=[ Cancel ]');
    await page!.waitForURL((url) => url.href.startsWith(`${h.oidcPage}?`) && url.searchParams.get('error') === 'access_denied');
    await h.start([page!]);
    expect(await eventsOf(page!)).toEqual(['error:login_failed']);
    expect(await page!.evaluate(() => window.twErrors)).toMatchObject([{ code: 'login_failed', oauthError: 'access_denied' }]);
    expect(page!.url()).toBe(h.oidcPage);
    await expectNothingStored(page!);
  });
});

describe('tokenward/oidc refresh failures', () => {
  it.each(['500', 'down'] as const)('keeps the session while the provider is %s at refresh, and recovers', async (failure) => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!], { backoff: { base: 200, cap: 1000 } });
    await signIn(page!, h, { backoff: { base: 200, cap: 1000 } });
    h.provider.failToken(failure);
    const failed = await page!.evaluate(() =>
      window.session.refresh().then(
        () => 'refreshed',
        (error: { code: string }) => error.code,
      ),
    );
    expect(failed).toBe(failure === '500' ? 'server' : 'network');
    expect(await page!.evaluate(() => window.session.getState().status)).toBe('authenticated');
    h.provider.failToken('none');
    // Recovered on its own (backoff): the error is cleared by a successful refresh only.
    await waitForState(page!, (s) => s.status === 'authenticated' && !s.error, { timeout: 15_000 });
    expect(h.provider.stats().rotations).toBeGreaterThanOrEqual(1);
    const status = await page!.evaluate((api) => window.session.fetch(`${api}/me`).then((r) => r.status), h.api.url);
    expect(status).toBe(200);
    expect((await eventsOf(page!)).filter((line) => line.startsWith('logout'))).toEqual([]);
  });

  // The refresh's signal joins the lock's and the timeout with AbortSignal.any(). WebKit can collect
  // such a signal when only a fetch holds it, and the fetch is then never aborted: the call would
  // run on until the lock's hold limit (twice the timeout). The page makes garbage so that
  // collections run while the provider holds the answer.
  it('gives up a refresh the provider never answers after the session timeout, garbage collections or not: timeout, the session kept', async () => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!], { timeout: 1000 });
    await signIn(page!, h, { timeout: 1000 });
    h.provider.holdRefreshAnswers(true);
    try {
      await makeGarbage(page!);
      const outcome = await page!.evaluate(() =>
        window.session.refresh().then(
          () => 'refreshed',
          (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
        ),
      );
      expect(outcome).toBe('timeout: refresh timed out after 1000 ms');
      expect(await page!.evaluate(() => window.session.getState().status)).toBe('authenticated');
      // Stopped here: the provider rotated before holding its answer, so the retry would end the grant.
      await page!.evaluate(() => window.session.dispose());
    } finally {
      h.provider.holdRefreshAnswers(false);
    }
  });

  it('logs out with refresh-rejected when the provider answers invalid_grant', async () => {
    const [page] = await h.oidcTabs(1);
    await h.start([page!]);
    await signIn(page!, h);
    await h.provider.revokeAllGrants();
    const outcome = await page!.evaluate(() =>
      window.session.refresh().then(
        () => 'refreshed',
        (error: { code: string }) => error.code,
      ),
    );
    expect(outcome).toBe('refresh_rejected');
    expect((await loggedOut(page!)).filter((line) => line.startsWith('logout'))).toEqual(['logout:refresh-rejected']);
    expect(await page!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(h.provider.stats().invalidGrants).toBe(1);
  });

  it('ends the session in every tab, never switching users, when a refreshed ID token names another subject', async () => {
    const [page, other] = await h.oidcTabs(2);
    const errors = [page!, other!].map((tab) => trackErrors(tab));
    await h.start([page!]);
    await signIn(page!, h);
    await h.start([other!]);
    await waitForState(other!, 'authenticated');
    // Every identity either tab ever shows, from here on.
    for (const tab of [page!, other!]) {
      await tab.evaluate(() => {
        window.twSubjects = [];
        window.session.subscribe((state) => window.twSubjects.push(String(state.claims?.sub)));
      });
    }
    h.provider.answerRefreshesAs('bob');
    const outcome = await page!.evaluate(() =>
      window.session.refresh().then(
        () => 'refreshed',
        (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
      ),
    );
    expect(outcome).toEqual({ code: 'refresh_rejected', message: expect.stringContaining('another user') });
    expect(await loggedOut(page!)).toEqual(['login:this-tab', 'logout:refresh-rejected']);
    expect(await loggedOut(other!)).toEqual(['logout:refresh-rejected']);
    for (const tab of [page!, other!]) expect(await tab.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    for (const tab of [page!, other!]) expect(await tab.evaluate(() => window.twSubjects.filter((sub) => sub !== 'alice' && sub !== 'undefined'))).toEqual([]);
    // One refresh, answered for bob and refused; none after it.
    expect(h.provider.stats()).toMatchObject({ refreshCalls: 1, rotations: 1 });
    await expectNothingStored(page!);
    for (const list of errors) expect(list).toEqual([]);
  });
});

describe('tokenward/oidc across tabs', () => {
  it('keeps 8 busy tabs signed in over 5+ token lifetimes with one provider refresh per rotation and no invalid_grant', async () => {
    await keepTabsBusy(h, 8, 5.3 * 3_000);
  });
});

/** A loopback origin that serves `document` as its discovery document (CORS open), counting requests. */
async function serveDiscovery(document: unknown): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const found = req.url === '/.well-known/openid-configuration';
    res.writeHead(found ? 200 : 404, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    res.end(found ? JSON.stringify(document) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('tokenward/oidc discovery', () => {
  it('refuses a discovery document that names another issuer: typed error, no navigation, no provider call, nothing pending', async () => {
    // The real provider's document, served from an origin that is not its issuer.
    const document = (await (await fetch(`${h.provider.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(document.issuer).toBe(h.provider.issuer);
    const impostor = await serveDiscovery(document);
    try {
      const [page] = await h.oidcTabs(1);
      const errors = trackErrors(page!);
      await startSessions([page!], { trustedOrigins: [h.api.url] }, { ...h.oidcOptions(), issuer: impostor.url });
      const providerCalls = h.provider.requests.length;
      const outcome = await page!.evaluate(() =>
        window.session.login({}).then(
          () => 'navigating',
          (error: Error & { code: string }) => ({ name: error.name, code: error.code, message: error.message }),
        ),
      );
      expect(outcome).toEqual({
        name: 'TokenwardError',
        code: 'invalid_response',
        message: expect.stringMatching(/^discovery: .*"issuer" property does not match/),
      });
      expect(impostor.requests()).toBe(1);
      expect(page!.url()).toBe(h.oidcPage);
      await expectNothingStored(page!);
      expect(h.provider.requests.slice(providerCalls)).toEqual([]);
      expect(await eventsOf(page!)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await impostor.close();
    }
  });
});
