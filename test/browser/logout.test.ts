// Logout that leaves nothing behind and never comes undone: real Chromium, several tabs,
// against the reference server.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { eventsOf, login, serverLoggedOut, startSessions as start, type PageSessionOptions } from './harness/sessions.ts';
import { useBrowserSuite, type BrowserSuite } from './harness/suite.ts';

async function signedInTabs(h: BrowserSuite, n: number, options: PageSessionOptions = {}): Promise<Page[]> {
  const pages = await h.newTabs(n);
  await start(pages, options);
  await login(pages[0]!);
  await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
  return pages;
}

/** Everything the vault database holds, as JSON (the key shows as `{}`: a CryptoKey has no own fields). */
const vaultRecords = (page: Page) =>
  page.evaluate(async () => {
    const dump = await window.twTest.dumpAllStorage();
    return dump.indexedDB.filter((entry) => entry.db === 'tokenward-vault').map((entry) => `${entry.key}=${entry.value}`);
  });

describe('logout (real Chromium, several tabs)', () => {
  // What the SDK clears and keeps by itself, so a server that clears only cookies: the reference
  // server's default "storage" wipe would empty everything anyway (see site-data.test.ts for that).
  const h = useBrowserSuite({ server: { accessTokenTtl: 30, controls: true, clearSiteData: '"cookies"' } });

  it('purges web storage, IndexedDB, Cache Storage and readable cookies in every tab, keeping what the options say', async () => {
    const pages = await signedInTabs(h, 3, { purge: { localStorage: { prefixes: ['app:'] } } });
    for (const [index, page] of pages.entries()) {
      await page.evaluate(async (index) => {
        localStorage.setItem(`app:cart`, 'three apples');
        localStorage.setItem('prefs:theme', 'dark');
        sessionStorage.setItem('draft', `tab ${index}`);
        document.cookie = `app_cookie_${index}=1; path=/`;
        const db = indexedDB.open(`app-db-${index}`, 1);
        db.onupgradeneeded = () => db.result.createObjectStore('things').put('x', 'y');
        await new Promise((resolve) => (db.onsuccess = () => (db.result.close(), resolve(null))));
        await (await caches.open(`app-cache-${index}`)).put('/cached', new Response('cached body'));
      }, index);
    }
    await pages[1]!.evaluate(() => window.session.logout());
    // The server's logout response clears its cookies (the CSRF one included: the purge leaves it for that call).
    await serverLoggedOut(h.server);
    for (const page of pages) {
      await waitForState(page, 'unauthenticated');
      await expect.poll(() => page.evaluate(() => window.twTest.dumpAllStorage()).then((d) => d.sessionStorage)).toEqual({});
      const dump = await page.evaluate(() => window.twTest.dumpAllStorage());
      expect(dump.localStorage).toEqual({ 'prefs:theme': 'dark' });
      expect(dump.cookies).toBe('');
      expect(dump.caches).toEqual([]);
      expect(dump.databases.map((db) => db.name)).toEqual(['tokenward-vault']);
      // Only the signed-out marker is left: no ciphertext, no key.
      expect(await vaultRecords(page)).toEqual([expect.stringMatching(/^session=.*"signedOut":true/)]);
    }
  });

  it('leaves a refresh cookie the server no longer accepts, and a reload anywhere stays signed out', async () => {
    const pages = await signedInTabs(h, 2);
    const stolen = (await (await h.context()).cookies()).find((c) => c.name === 'tw_refresh')?.value;
    expect(stolen).toBeTruthy();
    await pages[0]!.evaluate(() => window.session.logout());
    await serverLoggedOut(h.server);
    const replay = await fetch(`${h.server.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `tw_refresh=${stolen}; XSRF-TOKEN=x`, 'x-xsrf-token': 'x' },
    });
    expect(replay.status).toBe(401);
    h.server.control.reset();
    for (const page of pages) {
      await page.reload();
      await start([page]);
      expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    }
    expect(h.server.control.stats().rotations).toBe(0);
  });

  it('does not purge again on a page load after logout: data the app stores while signed out stays', async () => {
    const [page] = await signedInTabs(h, 1);
    await page!.evaluate(() => window.session.logout());
    await page!.evaluate(() => localStorage.setItem('anon-pref', 'kept'));
    await page!.reload();
    await start([page!]);
    expect(await page!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
    expect(await page!.evaluate(() => localStorage.getItem('anon-pref'))).toBe('kept');
  });

  it('never lets a refresh that was in flight during logout bring the session back (20 rounds, same tab and other tab)', async () => {
    const pages = await signedInTabs(h, 2);
    h.server.control.delayRefresh(1_100);
    for (let round = 0; round < 20; round++) {
      const refresher = pages[round % 2]!;
      const loggerOut = pages[Math.floor(round / 2) % 2]!;
      if (round > 0) {
        await login(loggerOut);
        await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
      }
      const refreshing = refresher.evaluate(() =>
        window.session.refresh().then(
          () => 'resolved',
          (e: { code: string }) => e.code,
        ),
      );
      await expect.poll(() => h.server.control.stats().requests.some((r) => r.path === '/auth/refresh' && r.status === 0)).toBe(true);
      await loggerOut.evaluate(() => window.session.logout());
      expect(await refreshing).not.toBe('resolved');
      // The late response has arrived and been dropped everywhere.
      await expect.poll(() => h.server.control.stats().requests.some((r) => r.path === '/auth/refresh' && r.status === 0)).toBe(false);
      for (const page of pages) {
        expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
        expect(await page.evaluate(() => window.session.getAccessToken())).toBeNull();
        expect(await vaultRecords(page)).toEqual([expect.stringMatching(/^session=.*"signedOut":true/)]);
      }
    }
    h.server.control.delayRefresh(0);
    for (const page of pages)
      expect((await eventsOf(page)).filter((line) => line === 'login:other-tab' || line.startsWith('logout')).length).toBeGreaterThan(0);
    // 20 rounds, each waiting out a refresh held 1.1 s: over 22 s in any engine, and each round's
    // dozen page calls cost more through the WebKit adapter. A bound, not a speed assertion.
  }, 180_000);

  for (const failure of ['500', 'hang', 'drop'] as const) {
    it(`logs out locally at once in every tab when the server logout endpoint fails (${failure}), and stays signed out on reload`, async () => {
      const pages = await signedInTabs(h, 2, { timeout: 2_000 });
      const errors = pages.map((page) => trackErrors(page));
      h.server.control.failLogout(failure);
      await pages[0]!.evaluate(() => window.session.logout());
      for (const page of pages) await waitForState(page, 'unauthenticated', { timeout: 1_000 });
      await expect.poll(() => eventsOf(pages[0]!), { timeout: 5_000 }).toContain('error:logout_failed');
      h.server.control.failLogout(null);
      h.server.control.reset();
      await pages[1]!.reload();
      await start([pages[1]!]);
      expect(await pages[1]!.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
      // The refresh cookie is still valid at the server (its logout failed), yet nothing used it.
      expect(h.server.control.stats().refreshCalls).toBe(0);
      for (const list of errors) expect(list).toEqual([]);
    });
  }

  it('is idempotent: logout from several tabs at once, twice in each, ends the session once per tab', async () => {
    const pages = await signedInTabs(h, 3);
    await Promise.all(pages.map((page) => page.evaluate(() => Promise.all([window.session.logout(), window.session.logout()]))));
    for (const page of pages) {
      expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
      expect((await eventsOf(page)).filter((line) => line.startsWith('logout'))).toHaveLength(1);
    }
  });
});

describe('logout with Clear-Site-Data from the server', () => {
  const h = useBrowserSuite({ server: { accessTokenTtl: 30, controls: true, clearSiteData: '"cache", "cookies", "storage"' } });

  it('does not break the SDK: it logs out, then logs in again and restores after a reload', async () => {
    const [page] = await signedInTabs(h, 1);
    const errors = trackErrors(page!);
    await page!.evaluate(() => window.session.logout());
    await waitForState(page!, 'unauthenticated');
    await login(page!);
    await waitForState(page!, 'authenticated');
    // The browser closed the vault's connection; the vault reopened it instead of giving up on IndexedDB.
    expect(await eventsOf(page!)).not.toContain('error:storage_unavailable');
    await page!.reload();
    await start([page!]);
    expect(await page!.evaluate(() => window.session.getState().status)).toBe('authenticated');
    expect(errors).toEqual([]);
  });
});
