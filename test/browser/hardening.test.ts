// Issue 11, the trust boundaries: redirects, failed logins, junk on the channel, bounded waits,
// logouts that are never lost, options that cannot be right. Real Chromium, reference server,
// and the recorder as a second origin.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { startRecorder, type Recorder } from './harness/recorder.ts';
import { eventsOf, loggedOut, login, startSessions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({ server: { accessTokenTtl: 30, controls: true } });

/** A recorder on another origin that answers every request with what looks like a good token response. */
async function tokenRecorder(): Promise<Recorder> {
  return startRecorder({ allowOrigin: new URL(h.pageUrl).origin, body: JSON.stringify({ access_token: 'foreign.token.x', expires_in: 600 }) });
}

/** How a promise in the page ended: 'resolved' or the error's `code`. */
function outcome(page: Page, call: () => Promise<unknown>): Promise<string> {
  return page.evaluate(`(${call.toString()})().then(() => 'resolved', (error) => error.code ?? String(error))`);
}

async function signedInTab(): Promise<Page> {
  const [page] = await h.newTabs(1);
  await startSessions([page!]);
  await login(page!);
  return page!;
}

describe('1. redirects never carry credentials to an untrusted origin', () => {
  it('refuses a trusted endpoint that 307s a POST elsewhere: the other origin sees nothing', async () => {
    const recorder = await tokenRecorder();
    try {
      const page = await signedInTab();
      const errors = trackErrors(page);
      h.server.control.redirect('/api/items', `${recorder.url}/stolen`);
      expect(await outcome(page, () => window.session.http.post('/api/items', { json: { secret: 'body' } }))).toBe('redirect_refused');
      expect(await outcome(page, () => window.session.fetch('/api/items', { method: 'PUT', body: 'secret' }))).toBe('redirect_refused');
      expect(await outcome(page, () => window.session.http.get('/api/items'))).toBe('redirect_refused');
      expect(recorder.records).toEqual([]);
      // The same redirect does reach the recorder when the browser follows it: the test can see a leak.
      await page.evaluate(() => fetch('/api/items', { method: 'POST', body: 'plain' }).catch(() => 'blocked by CORS after arriving'));
      expect(recorder.records.map((r) => r.body)).toContain('plain');
      expect(await page.evaluate(() => window.session.getState().status)).toBe('authenticated');
      expect(errors).toEqual([]);
    } finally {
      await recorder.close();
    }
  });

  it('never adopts a token from a login, refresh or logout endpoint that redirects to another origin', async () => {
    const recorder = await tokenRecorder();
    try {
      const [page] = await h.newTabs(1);
      const errors = trackErrors(page!);
      await startSessions([page!]);
      h.server.control.redirect('/auth/login', `${recorder.url}/token`);
      expect(await outcome(page!, () => window.session.login({ username: 'alice', password: 'wonderland' }))).toBe('redirect_refused');
      expect(await page!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
      expect(await page!.evaluate(() => window.session.getAccessToken())).toBeNull();

      h.server.control.redirect('/auth/login', null);
      await login(page!);
      h.server.control.redirect('/auth/refresh', `${recorder.url}/token`);
      h.server.control.redirect('/auth/logout', `${recorder.url}/token`);
      expect(await outcome(page!, () => window.session.refresh())).toBe('redirect_refused');
      expect(await page!.evaluate(() => window.session.getAccessToken())).not.toBe('foreign.token.x');
      await page!.evaluate(() => window.session.logout());
      await expect.poll(() => eventsOf(page!)).toContain('error:logout_failed');
      expect(recorder.records).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await recorder.close();
    }
  });
});

describe('2. a failed login never desynchronises a tab', () => {
  it("follows the other tab's logout at once after failed logins, and never resurrects the session", async () => {
    const pages = await h.newTabs(2);
    const [a, b] = pages as [Page, Page];
    const errors = pages.map((page) => trackErrors(page));
    await startSessions(pages);
    await login(a);
    await waitForState(b, 'authenticated');
    for (const password of ['nope', 'still-nope']) {
      expect(await b.evaluate((password) => window.session.login({ username: 'alice', password }).catch((e: { code: string }) => e.code), password)).toBe(
        'login_failed',
      );
    }
    h.server.control.redirect('/auth/login', '/elsewhere');
    expect(await outcome(b, () => window.session.login({ username: 'alice', password: 'wonderland' }))).toBe('redirect_refused');
    h.server.control.redirect('/auth/login', null);

    await a.evaluate(() => window.session.logout());
    await waitForState(b, 'unauthenticated', { timeout: 1_000 });
    expect(await b.evaluate(() => window.session.getAccessToken())).toBeNull();
    expect(await outcome(b, () => window.session.refresh())).toBe('unauthenticated');
    await b.reload();
    await startSessions([b]);
    expect(await b.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(h.server.control.stats().reuseDetections).toBe(0);
    for (const list of errors) expect(list).toEqual([]);
  });
});

describe('3. messages between tabs are validated', () => {
  it("ignores junk on the channel, and the tabs still follow each other's login, refresh and logout", async () => {
    const pages = await h.newTabs(2);
    const [a, b] = pages as [Page, Page];
    const errors = pages.map((page) => trackErrors(page));
    await startSessions(pages, { idleTimeout: [600] });
    await login(a);
    await waitForState(b, 'authenticated');
    await a.evaluate(() => {
      const tab = 'junk';
      const future = Date.now() + 3_600_000;
      return window.twTest.postOnChannel('tokenward:sync', [
        null,
        42,
        'logout',
        [],
        { tab },
        { type: 'logout', generation: Infinity, reason: 'user', tab },
        { type: 'logout', generation: '99', reason: 'user', tab },
        { type: 'logout', generation: 2 ** 53, reason: 'user', tab },
        { type: 'logout', generation: 99, reason: 'hacked', tab },
        { type: 'logout', generation: 99, tab },
        { type: 'logout', generation: 99, reason: 'user', tab, extra: true },
        { type: 'login', generation: NaN, tab },
        { type: 'tokens', generation: -1, tab },
        { type: 'shutdown', generation: 99, tab },
        { type: 'activity', at: future, tab },
        { type: 'activity', at: 'now', tab },
      ]);
    });
    // Both tabs saw all of it (a real message posted after the junk arrives after it).
    await a.evaluate(() => window.session.refresh());
    await expect.poll(() => eventsOf(b)).toContain('refresh:other-tab');
    for (const page of pages) {
      expect(await page.evaluate(() => window.session.getState().status)).toBe('authenticated');
      expect((await eventsOf(page)).filter((line) => line.startsWith('logout'))).toEqual([]);
    }
    await b.evaluate(() => window.session.logout());
    expect(await loggedOut(a)).toContain('logout:other-tab');
    expect(await a.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    await login(a);
    await waitForState(b, 'authenticated', { timeout: 1_000 });
    for (const list of errors) expect(list).toEqual([]);
  });
});

describe('4. every wait is bounded; no bug is mistaken for a network blip', () => {
  it('never stalls ready or getAccessToken on an IndexedDB stuck behind a blocked deletion', async () => {
    const [page] = await h.newTabs(1);
    const errors = trackErrors(page!);
    // A connection that ignores versionchange blocks the deletion; every later open queues behind it.
    await page!.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const request = indexedDB.open('tokenward-vault');
        request.onsuccess = () => resolve(request.result);
      });
      (window as unknown as { stuck: IDBDatabase }).stuck = db;
      indexedDB.deleteDatabase('tokenward-vault');
    });
    await startSessions([page!], { timeout: 1_000 });
    expect(await page!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(await eventsOf(page!)).toEqual(['error:storage_unavailable']);
    expect(await page!.evaluate(() => window.session.getAccessToken())).toBeNull();
    await login(page!);
    expect(await page!.evaluate(() => window.session.getAccessToken())).toEqual(expect.any(String));
    expect(errors).toEqual([]);
  });

  it("closes the vault's connection when another wants to delete the database, and reopens it after", async () => {
    const [a, b] = (await h.newTabs(2)) as [Page, Page];
    await startSessions([a]);
    await login(a);
    const deletion = await b.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.deleteDatabase('tokenward-vault');
          request.onblocked = () => resolve('blocked');
          request.onsuccess = () => resolve('deleted');
        }),
    );
    expect(deletion).toBe('deleted');
    await a.evaluate(() => window.session.refresh());
    await a.reload();
    await startSessions([a]);
    expect(await a.evaluate(() => window.session.getState().status)).toBe('authenticated');
  });

  it('gives up waiting for a refresh lock that a frozen tab never releases', async () => {
    const [a, b] = (await h.newTabs(2)) as [Page, Page];
    await startSessions([a], { timeout: 500 });
    await login(a);
    await b.evaluate(() => void navigator.locks.request('tokenward:refresh', () => new Promise(() => {})));
    await a.evaluate(() => window.session.setTokens({ access_token: 'expired', expires_in: 0.001 }));
    expect(await outcome(a, () => window.session.getAccessToken())).toBe('timeout');
    expect(await a.evaluate(() => window.session.getState().status)).toBe('authenticated');
  });

  it('reports a bug in the refresh path once as internal, not as network, and recovers after it', async () => {
    const page = await signedInTab();
    const errors = trackErrors(page);
    const code = await page.evaluate(async () => {
      const request = navigator.locks.request;
      navigator.locks.request = () => Promise.reject(new TypeError('a bug'));
      const failed = await window.session.refresh().catch((error: { code: string }) => error.code);
      navigator.locks.request = request;
      return failed;
    });
    expect(code).toBe('internal');
    expect((await eventsOf(page)).filter((line) => line.startsWith('error'))).toEqual(['error:internal']);
    await page.evaluate(() => window.session.refresh());
    expect((await waitForState(page, 'authenticated')).error).toBeNull();
    expect(errors).toEqual([]);
  });

  it('ends the session after three refreshes answered with a CSRF 403, with reason refresh-failed and the status', async () => {
    const [page] = await h.newTabs(1);
    await startSessions([page!], { csrf: { cookie: 'XSRF-TOKEN', header: 'X-Not-The-Header' } });
    await login(page!);
    const statuses = await page!.evaluate(async () => {
      const seen: Array<number | undefined> = [];
      window.session.on('error', ({ error }) => seen.push(error.status));
      for (let i = 0; i < 3; i++) await window.session.refresh().catch(() => undefined);
      return seen;
    });
    expect(statuses).toEqual([403, 403, 403]);
    await waitForState(page!, 'unauthenticated');
    expect(await eventsOf(page!)).toContain('logout:refresh-failed');
    expect(h.server.control.stats().refreshCalls).toBe(3);
  });

  it('rejects with disposed on every path after dispose(), the fast one included', async () => {
    const page = await signedInTab();
    const codes = await page.evaluate(async () => {
      const session = window.session;
      session.dispose();
      const code = (call: () => Promise<unknown>) =>
        call().then(
          () => 'resolved',
          (error: { code: string }) => error.code,
        );
      return [
        await code(() => session.getAccessToken()),
        await code(() => session.refresh()),
        await code(() => session.login({})),
        await code(() => session.logout()),
      ];
    });
    expect(codes).toEqual(['disposed', 'disposed', 'disposed', 'disposed']);
  });
});

/** What the refresh endpoint says to a refresh token presented from outside the browser (CSRF pair included). */
async function refreshStatus(token: { cookie?: string; body?: string }): Promise<number> {
  const response = await fetch(`${h.server.url}/auth/refresh`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-xsrf-token': 't',
      cookie: `XSRF-TOKEN=t${token.cookie ? `; tw_refresh=${token.cookie}` : ''}`,
    },
    body: JSON.stringify(token.body ? { refresh_token: token.body } : {}),
  });
  return response.status;
}

/** The session record in the page's vault, parsed. */
const marker = (page: Page) =>
  page.evaluate(async () => {
    const dump = await window.twTest.dumpAllStorage();
    const entry = dump.indexedDB.find((record) => record.db === 'tokenward-vault' && record.key === 'session');
    return entry ? (JSON.parse(entry.value) as { generation: number; signedOut?: true; owed?: true }) : null;
  });

const answeredLogouts = () => h.server.control.stats().requests.filter((r) => r.path === '/auth/logout' && r.status === 204).length;

describe('5. a logout is never lost', () => {
  it('retries a server logout that failed on the next page load, until the old refresh cookie is dead', async () => {
    const page = await signedInTab();
    const errors = trackErrors(page);
    const refreshCookie = (await (await h.context()).cookies()).find((cookie) => cookie.name === 'tw_refresh')!.value;
    h.server.control.failLogout('500');
    await page.evaluate(() => window.session.logout());
    await expect.poll(() => eventsOf(page)).toContain('error:logout_failed');
    expect(await marker(page)).toMatchObject({ signedOut: true, owed: true });
    expect(await refreshStatus({ cookie: refreshCookie })).toBe(200);

    h.server.control.failLogout(null);
    await page.reload();
    await startSessions([page]);
    await expect.poll(answeredLogouts).toBe(1);
    // Nothing owed any more: the marker says so, or the server's "storage" wipe took it away.
    await expect.poll(async () => (await marker(page))?.owed).toBeUndefined();
    expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(await refreshStatus({ cookie: refreshCookie })).toBe(401);
    await page.reload();
    await startSessions([page]);
    expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(answeredLogouts()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('retries it when the browser comes back online', async () => {
    const page = await signedInTab();
    const context = await h.context();
    await context.setOffline(true);
    await page.evaluate(() => window.session.logout());
    await expect.poll(() => eventsOf(page)).toContain('error:logout_failed');
    expect(answeredLogouts()).toBe(0);
    await context.setOffline(false);
    await expect.poll(answeredLogouts).toBe(1);
    // Nothing owed any more: the marker says so, or the server's "storage" wipe took it away.
    await expect.poll(async () => (await marker(page))?.owed).toBeUndefined();
    expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
  });

  it('sends a refresh token the server handed to the page with the logout, so the server revokes it', async () => {
    const [page] = await h.newTabs(1);
    const endpoints = { login: '/auth/login?refresh_in_body=1', refresh: '/auth/refresh?refresh_in_body=1' };
    await startSessions([page!], { endpoints });
    const tokenFromLogin = page!.waitForResponse((response) => response.url().includes('/auth/login')).then((response) => response.json());
    await login(page!);
    const { refresh_token: token } = (await tokenFromLogin) as { refresh_token: string };
    // Without its session cookie the server knows the family only from the body.
    await (await h.context()).clearCookies({ name: 'connect.sid' });
    await page!.evaluate(() => window.session.logout());
    await expect.poll(answeredLogouts).toBe(1);
    expect(await refreshStatus({ body: token })).toBe(401);
  });

  for (const who of ['the memory-fallback tab itself (no other tab open)', 'the tab that hears of it (the other tab has no usable IndexedDB)']) {
    it(`deletes the persisted session when a tab on memory logs out: ${who}`, async () => {
      const selfOnly = who.startsWith('the memory');
      // The SDK must delete it by itself: a server's "storage" wipe would do it for it.
      h.server.control.setClearSiteData('"cookies"');
      const context = await h.context();
      const b = await context.newPage();
      trackErrors(b);
      // Reads and deletions fail in this tab while the switch is on: it falls back to memory for good.
      await b.addInitScript(() => {
        for (const name of ['get', 'clear'] as const) {
          const original = IDBObjectStore.prototype[name] as (...args: unknown[]) => IDBRequest<undefined>;
          IDBObjectStore.prototype[name] = function (this: IDBObjectStore, ...args: unknown[]) {
            if ((window as unknown as { brokenIdb?: boolean }).brokenIdb !== false) throw new DOMException('no', 'NotReadableError');
            return original.apply(this, args);
          };
        }
      });
      await b.goto(h.pageUrl);
      await startSessions([b]);
      expect(await eventsOf(b)).toEqual(['error:storage_unavailable']);
      if (selfOnly) await b.evaluate(() => ((window as unknown as { brokenIdb?: boolean }).brokenIdb = false));

      const [a] = await h.newTabs(1);
      await startSessions([a!]);
      await login(a!);
      expect(await marker(a!)).not.toHaveProperty('signedOut');
      await login(b);
      if (selfOnly) await a!.close();
      await b.evaluate(() => window.session.logout());

      const c = selfOnly ? (await h.newTabs(1))[0]! : a!;
      await expect.poll(async () => (await marker(c))?.signedOut).toBe(true);
      await c.reload();
      await startSessions([c]);
      expect(await c.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    });
  }
});

describe('6. options that cannot be right are refused at once', () => {
  it('throws invalid_options from createSession for a baseUrl or trusted origin that is not an absolute http(s) origin', async () => {
    const [page] = await h.newTabs(1);
    const codes = await page!.evaluate(() =>
      [{ baseUrl: 'api.example.com' }, { baseUrl: 'data:,x' }, { trustedOrigins: ['null'] }, { trustedOrigins: ['file:///etc'] }].map((options) => {
        try {
          window.tokenward.createSession({ storage: 'memory', ...options }).dispose();
          return 'created';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      }),
    );
    expect(codes).toEqual(['invalid_options', 'invalid_options', 'invalid_options', 'invalid_options']);
  });
});
