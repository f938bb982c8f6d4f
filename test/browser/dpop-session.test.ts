// Sessions with `dpop` (tokenward/dpop) against the reference server, in real Chromium: tokens
// bound to the browser's non-extractable key, useless to whoever takes them out of the page;
// nonce challenges and a wrong client clock handled without the app noticing; a new key per login.
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReferenceServer } from '../../demo/server/index.ts';
import { generateDpopKey } from '../../src/dpop/key.ts';
import { createProver } from '../../src/dpop/proof.ts';
import { trackErrors, waitForState } from './harness/browser.ts';
import { callApiFor, eventsOf, expectOneRefreshPerRotation, login, serverLoggedOut, startSessions, type PageSessionOptions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const suite = useBrowserSuite({ server: { controls: true } });
const SKEW = 10 * 60_000;

let errors: string[][] = [];
beforeEach(() => {
  errors = [];
});
afterEach(() => {
  for (const list of errors) expect(list).toEqual([]);
});

/** Tabs on dpop.html (same origin as the server) with `window.session` made with `dpop`, events recorded as in harness/sessions.ts. */
async function dpopTabs(server: ReferenceServer, count: number, options: PageSessionOptions = {}, clockSkew = 0): Promise<Page[]> {
  const context = await suite.context();
  const tabs = await Promise.all(
    Array.from({ length: count }, async () => {
      const page = await context.newPage();
      errors.push(trackErrors(page));
      if (clockSkew) {
        await page.addInitScript((skew) => {
          const realNow = Date.now.bind(Date);
          Date.now = () => realNow() + skew;
        }, clockSkew);
      }
      await page.goto(new URL('/dpop.html', server.url).href);
      await page.waitForFunction(() => typeof window.twDpop?.dpop === 'object');
      return page;
    }),
  );
  await startSessions(tabs, options, undefined, true);
  return tabs;
}

/** The thumbprint of the key in the page's vault (null without one), and the `cnf.jkt` of the session's access token. */
function binding(page: Page): Promise<{ vaultKey: string | null; tokenJkt: string | null }> {
  return page.evaluate(async () => {
    const { createEncryptedVault, createProver, isDpopKey } = window.twDpop;
    const stored = await createEncryptedVault('tokenward').load();
    const cnf = window.session.getState().claims?.cnf as { jkt?: string } | undefined;
    return { vaultKey: isDpopKey(stored?.dpopKey) ? (await createProver(stored.dpopKey)).thumbprint : null, tokenJkt: cnf?.jkt ?? null };
  });
}

function apiStatus(page: Page): Promise<number> {
  return page.evaluate(async () => (await window.session.fetch('/api/me')).status);
}

/** What the server saw at `path`, as "METHOD status" in order. */
function seenAt(server: ReferenceServer, path: string): string[] {
  return server.control
    .stats()
    .requests.filter((r) => r.path === path)
    .map((r) => `${r.method} ${r.status}`);
}

describe('a session with dpop', () => {
  it('is bound to one key that every tab shares: API calls and refreshes carry proofs by it', async () => {
    const tabs = await dpopTabs(suite.server, 2);
    await login(tabs[0]!);
    await waitForState(tabs[1]!, 'authenticated');
    const [first, second] = await Promise.all(tabs.map(binding));
    expect(first!.vaultKey).toMatch(/^[\w-]{43}$/);
    expect(first).toEqual({ vaultKey: first!.vaultKey, tokenJkt: first!.vaultKey });
    expect(second).toEqual(first);
    expect(await Promise.all(tabs.map(apiStatus))).toEqual([200, 200]);

    await tabs[1]!.evaluate(() => window.session.refresh());
    await waitForState(tabs[0]!, (s) => s.status === 'authenticated' && !s.refreshing);
    expect(await binding(tabs[0]!)).toEqual(first);
    expect(await Promise.all(tabs.map(apiStatus))).toEqual([200, 200]);
    const proofs = suite.server.control.stats().requests.filter((r) => r.path.startsWith('/auth/') || r.path === '/api/me');
    expect(proofs.every((r) => typeof r.headers.dpop === 'string')).toBe(true);
    for (const tab of tabs) expect((await eventsOf(tab)).filter((e) => e.startsWith('error'))).toEqual([]);
  });

  it('keeps 8 busy tabs signed in over 5+ token lifetimes with one refresh per rotation, all with the one key', async () => {
    suite.server.control.setAccessTokenTtl(2);
    const tabs = await dpopTabs(suite.server, 8);
    await login(tabs[0]!);
    await Promise.all(tabs.map((tab) => waitForState(tab, 'authenticated')));
    const { vaultKey } = await binding(tabs[0]!);
    const results = await callApiFor(tabs, '/api/me', 11_000);
    const stats = suite.server.control.stats();
    expectOneRefreshPerRotation(results, stats);
    // Every token of every rotation is bound to the key made at login, which every tab signs with.
    for (const tab of tabs) expect(await binding(tab)).toEqual({ vaultKey, tokenJkt: vaultKey });
    for (const tab of tabs) expect((await eventsOf(tab)).filter((e) => e.startsWith('logout') || e.startsWith('error'))).toEqual([]);
  });

  it('makes its tokens useless outside the page: the access token from Node, a replayed proof, the refresh cookie without the key', async () => {
    const [tab] = await dpopTabs(suite.server, 1);
    await login(tab!);
    // Test hooks: the token as page script could read it, the proof as it went over the wire (seen by
    // the browser: the server's recorder keeps only a fingerprint), the HttpOnly cookie from the profile.
    const sent = tab!.waitForRequest((request) => request.url().endsWith('/api/me'));
    expect(await apiStatus(tab!)).toBe(200);
    const sentProof = (await (await sent).allHeaders()).dpop!;
    expect(sentProof).toMatch(/^ey/);
    const token = (await tab!.evaluate(() => window.session.getAccessToken()))!;
    const me = `${suite.server.url}/api/me`;
    const otherKey = await createProver(await generateDpopKey());
    const stolen = await Promise.all([
      fetch(me, { headers: { Authorization: `Bearer ${token}` } }),
      fetch(me, { headers: { Authorization: `DPoP ${token}` } }),
      fetch(me, { headers: { Authorization: `DPoP ${token}`, DPoP: await otherKey.sign({ method: 'GET', url: me, accessToken: token }) } }),
      fetch(me, { headers: { Authorization: `DPoP ${token}`, DPoP: sentProof } }),
    ]);
    expect(stolen.map((r) => r.status)).toEqual([401, 401, 401, 401]);

    const refresh = `${suite.server.url}/auth/refresh`;
    const cookies = await (await suite.context()).cookies(refresh);
    expect(cookies.map((c) => c.name)).toContain('tw_refresh');
    const cookieHeader = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = cookies.find((c) => c.name === 'XSRF-TOKEN')?.value ?? '';
    const refreshFromNode = (dpop?: string) =>
      fetch(refresh, {
        method: 'POST',
        headers: { Cookie: cookieHeader, 'X-XSRF-TOKEN': csrf, 'Content-Type': 'application/json', ...(dpop && { DPoP: dpop }) },
        body: '{}',
      });
    const withoutKey = await refreshFromNode();
    const withOtherKey = await refreshFromNode(await otherKey.sign({ method: 'POST', url: refresh }));
    expect([withoutKey.status, withOtherKey.status]).toEqual([401, 401]);
    expect(await withoutKey.json()).toMatchObject({ error: 'invalid_grant' });
    // Nothing was rotated or revoked by the attempts (a thief cannot even log the victim out): the page still refreshes with its key.
    await tab!.evaluate(() => window.session.refresh());
    expect(suite.server.control.stats().reuseDetections).toBe(0);
    expect(await apiStatus(tab!)).toBe(200);
  });

  it('logout deletes the key; the next login makes a new one', async () => {
    const [tab] = await dpopTabs(suite.server, 1);
    await login(tab!);
    const before = await binding(tab!);
    await tab!.evaluate(() => window.session.logout());
    expect(await binding(tab!)).toEqual({ vaultKey: null, tokenJkt: null });
    // The logout call was signed with the session's key too.
    await serverLoggedOut(suite.server);
    expect(suite.server.control.stats().requests.find((r) => r.path === '/auth/logout')?.headers.dpop).toMatch(/^redacted:/);
    await login(tab!);
    const after = await binding(tab!);
    expect(after.tokenJkt).toBe(after.vaultKey);
    expect(after.vaultKey).not.toBe(before.vaultKey);
    expect(await apiStatus(tab!)).toBe(200);
  });

  it('a session whose key is gone from the vault ends as storage-corrupted on the next load, never half-working', async () => {
    const [tab] = await dpopTabs(suite.server, 1);
    await login(tab!);
    await tab!.evaluate(async () => {
      const { idbKeyval, vaultDatabaseName } = window.twDpop;
      await idbKeyval.set('dpop-key', undefined, idbKeyval.createStore(vaultDatabaseName('tokenward'), 'vault'));
    });
    const [reloaded] = await dpopTabs(suite.server, 1);
    await waitForState(reloaded!, 'unauthenticated');
    expect(await eventsOf(reloaded!)).toContain('storage-corrupted');
  });

  it('a session whose stored key was swapped for another (usable) key ends as storage-corrupted too', async () => {
    const [tab] = await dpopTabs(suite.server, 1);
    await login(tab!);
    await tab!.evaluate(async () => {
      const { idbKeyval, vaultDatabaseName, generateDpopKey } = window.twDpop;
      await idbKeyval.set('dpop-key', await generateDpopKey(), idbKeyval.createStore(vaultDatabaseName('tokenward'), 'vault'));
    });
    const [reloaded] = await dpopTabs(suite.server, 1);
    await waitForState(reloaded!, 'unauthenticated');
    expect(await eventsOf(reloaded!)).toContain('storage-corrupted');
  });

  it("follows another tab's unbound session (setTokens) with bearer tokens, not the old key", async () => {
    const tabs = await dpopTabs(suite.server, 2);
    await login(tabs[0]!);
    await waitForState(tabs[1]!, 'authenticated');
    // Tab 0 signs in again without a proof (as another flow would) and hands the bearer token to its session.
    await tabs[0]!.evaluate(async () => {
      const csrf = /(?:^|; )XSRF-TOKEN=([^;]*)/.exec(document.cookie)?.[1] ?? '';
      const response = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': decodeURIComponent(csrf) },
        body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
      });
      await window.session.setTokens((await response.json()) as { access_token: string; expires_in: number });
    });
    await expect.poll(() => eventsOf(tabs[1]!)).toContain('login:other-tab');
    expect(await apiStatus(tabs[1]!)).toBe(200);
    const last = suite.server.control
      .stats()
      .requests.filter((r) => r.path === '/api/me')
      .at(-1);
    expect(last?.headers.authorization).toMatch(/^Bearer redacted:/);
    expect(last?.headers.dpop).toBeUndefined();
  });

  it('its session check sends the bound token with a proof, and the session lives on', async () => {
    const [tab] = await dpopTabs(suite.server, 1, { sessionCheck: { interval: 1 } });
    await login(tab!);
    const checks = () => suite.server.control.stats().requests.filter((r) => r.path === '/auth/session');
    await expect.poll(() => checks().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    for (const check of checks()) {
      expect(check).toMatchObject({
        status: 200,
        headers: { authorization: expect.stringMatching(/^DPoP redacted:/), dpop: expect.stringMatching(/^redacted:/) },
      });
    }
    expect(await tab!.evaluate(() => window.session.getState().status)).toBe('authenticated');
  });
});

describe('challenges the app never sees', () => {
  it('server nonces: on the login, the API and the refresh, each answered by one retry', async () => {
    const { server } = suite;
    server.control.setDpopNonce(300);
    {
      const [signingIn] = await dpopTabs(server, 1);
      await login(signingIn!);
      expect(seenAt(server, '/auth/login')).toEqual(['POST 400', 'POST 200']);
      // Tabs opened later know no nonce yet: their first API call and their first refresh are challenged.
      const [calling] = await dpopTabs(server, 1);
      expect(await apiStatus(calling!)).toBe(200);
      expect(seenAt(server, '/api/me')).toEqual(['GET 401', 'GET 200']);
      const [refreshing] = await dpopTabs(server, 1);
      await refreshing!.evaluate(() => window.session.refresh());
      expect(seenAt(server, '/auth/refresh')).toEqual(['POST 400', 'POST 200']);
      // Each learned the nonce from every answer: no more challenges.
      await signingIn!.evaluate(() => window.session.refresh());
      expect(await Promise.all([signingIn!, calling!, refreshing!].map(apiStatus))).toEqual([200, 200, 200]);
      expect(server.control.stats().requests.filter((r) => r.status === 400 || r.status === 401)).toHaveLength(3);
      for (const tab of [signingIn!, calling!, refreshing!]) expect((await eventsOf(tab)).filter((e) => e.startsWith('error'))).toEqual([]);
      expect(server.control.stats().nonceChallenges).toBe(3);
    }
  });

  it('a client clock 10 minutes ahead: the first proof is refused, the retry is on the server clock', async () => {
    const [tab] = await dpopTabs(suite.server, 1, {}, SKEW);
    await login(tab!);
    await tab!.evaluate(() => window.session.refresh());
    expect(await apiStatus(tab!)).toBe(200);
    expect(seenAt(suite.server, '/auth/login')).toEqual(['POST 400', 'POST 200']);
    expect(seenAt(suite.server, '/auth/refresh')).toEqual(['POST 200']);
    expect(await eventsOf(tab!)).toEqual(['login:this-tab', 'refresh:this-tab']);
  });
});
