// Issue 26: the tabs keep following each other after the origin's storage is wiped under them:
// by `Clear-Site-Data: "cookies", "storage"` in the logout answer (the reference server's
// default), or by the user clearing the site's data (the DevTools protocol's
// Storage.clearDataForOrigin, what the browser's own "delete site data" does). Real Chromium,
// reference server.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { ENGINE } from './harness/engine.ts';
import { eventsOf, loggedOut, login, startSessions, type PageSessionOptions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({ server: { accessTokenTtl: 30, controls: true } });

/** The SDK's own purge leaves localStorage alone here, so a witness gone from it shows the browser's wipe. */
const OPTIONS: PageSessionOptions = { purge: { localStorage: false } };

const allIn = (pages: readonly Page[], status: 'authenticated' | 'unauthenticated') =>
  Promise.all(pages.map((page) => waitForState(page, status, { timeout: 5_000 })));

/** `n` tabs, signed in by the first. */
async function signedInTabs(n: number): Promise<{ pages: Page[]; errors: string[][] }> {
  const pages = await h.newTabs(n);
  const errors = pages.map((page) => trackErrors(page));
  await startSessions(pages, OPTIONS);
  await login(pages[0]!);
  await allIn(pages, 'authenticated');
  return { pages, errors };
}

/** `out` logs out, then `into` logs in: every tab follows both. */
async function outAndIn(pages: readonly Page[], out: Page, into: Page): Promise<void> {
  await out.evaluate(() => window.session.logout());
  await allIn(pages, 'unauthenticated');
  await login(into);
  await allIn(pages, 'authenticated');
}

/** Sets the witness the wipe is to take away. */
const plantWitness = (page: Page) => page.evaluate(() => localStorage.setItem('witness', 'before the wipe'));

/** Waits until the browser wiped the origin's storage (the witness is gone). */
async function wiped(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => localStorage.getItem('witness'))).toBeNull();
}

/** The names of the vault's records, as the raw IndexedDB API sees them. */
const vaultRecords = (page: Page) =>
  page.evaluate(async () => {
    const dump = await window.twTest.dumpAllStorage();
    return dump.indexedDB
      .filter((entry) => entry.db === 'tokenward-vault')
      .map((entry) => entry.key)
      .sort();
  });

/** How many times each page heard `event` (`refresh:other-tab`...). */
const counts = (pages: readonly Page[], event: string) =>
  Promise.all(pages.map(async (page) => (await eventsOf(page)).filter((line) => line === event).length));

/** `refresher` refreshes, and every other tab adopts the new tokens (one more `refresh:other-tab` each). */
async function refreshReachesAll(pages: readonly Page[], refresher: Page): Promise<void> {
  const others = pages.filter((page) => page !== refresher);
  const before = await counts(others, 'refresh:other-tab');
  await refresher.evaluate(() => window.session.refresh());
  await expect.poll(() => counts(others, 'refresh:other-tab')).toEqual(before.map((count) => count + 1));
  const token = await refresher.evaluate(() => window.session.getAccessToken());
  for (const page of others) expect(await page.evaluate(() => window.session.getAccessToken())).toBe(token);
}

/** What the user's "delete site data" clears: storage only, or everything (cookies too). */
type Wipe = 'storage' | 'all';

/** What each wipe is in the DevTools protocol's words (Chromium) and as a Clear-Site-Data value (elsewhere). */
const WIPES: Record<Wipe, { storageTypes: string; header: string }> = {
  storage: { storageTypes: 'indexeddb,local_storage,cache_storage,service_workers', header: '"storage"' },
  all: { storageTypes: 'all', header: '"cookies", "storage", "cache"' },
};

/**
 * The site's data cleared from `page`, outside the tabs that hold the session. Chromium: the
 * browser's own "delete site data" (Storage.clearDataForOrigin over CDP). Firefox and WebKit have
 * no such command in their drivers, so the same wipe comes from a Clear-Site-Data answer to a
 * request of `page`'s; either way the browser wipes the origin under every tab.
 */
async function clearSiteData(page: Page, wipe: Wipe): Promise<void> {
  if (ENGINE !== 'chromium') {
    const status = await page.evaluate(
      (value) =>
        fetch('/__test__/clear-site-data', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) }).then(
          (r) => r.status,
        ),
      WIPES[wipe].header,
    );
    expect(status).toBe(200);
    return;
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(h.server.url).origin, storageTypes: WIPES[wipe].storageTypes });
  await cdp.detach();
}

function noErrorsIn(pages: readonly Page[], errors: readonly string[][]): Promise<void> {
  for (const list of errors) expect(list).toEqual([]);
  // storage_unavailable would mean a tab fell back to memory: out of step with the others for good.
  return Promise.all(pages.map(async (page) => expect((await eventsOf(page)).filter((line) => line.startsWith('error:storage'))).toEqual([]))).then(
    () => undefined,
  );
}

describe('after a logout answered with Clear-Site-Data: "cookies", "storage"', () => {
  it('two tabs: the next login, refresh and logout in either tab reach the other, and the vault is in use again', async () => {
    const { pages, errors } = await signedInTabs(2);
    const [a, b] = pages as [Page, Page];
    await plantWitness(a);

    await a.evaluate(() => window.session.logout());
    await allIn(pages, 'unauthenticated');
    await wiped(b);
    await login(a);
    await allIn(pages, 'authenticated');
    expect(await eventsOf(b)).toEqual(['login:other-tab', 'logout:other-tab', 'login:other-tab']);
    // A new database, a new key: the session is persisted again.
    expect(await vaultRecords(b)).toEqual(['key', 'session']);
    await refreshReachesAll(pages, b);
    await outAndIn(pages, b, b);
    await noErrorsIn(pages, errors);
  });

  it('four tabs: logout, login and refresh, each from another tab, round after round, reach all four', async () => {
    const { pages, errors } = await signedInTabs(4);
    for (let round = 0; round < 4; round++) {
      await plantWitness(pages[round]!);
      await pages[round]!.evaluate(() => window.session.logout());
      await allIn(pages, 'unauthenticated');
      await wiped(pages[round]!);
      await login(pages[(round + 1) % 4]!);
      await allIn(pages, 'authenticated');
      await refreshReachesAll(pages, pages[(round + 2) % 4]!);
    }
    await noErrorsIn(pages, errors);
  });

  it('a refresh in flight in another tab during the logout never brings the session back, and the next login reaches both (6 rounds)', async () => {
    const { pages, errors } = await signedInTabs(2);
    h.server.control.delayRefresh(1_000);
    const pendingRefresh = () => h.server.control.stats().requests.some((r) => r.path === '/auth/refresh' && r.status === 0);
    for (let round = 0; round < 6; round++) {
      const refresher = pages[round % 2]!;
      const loggerOut = pages[(round + 1) % 2]!;
      const refreshing = refresher.evaluate(() =>
        window.session.refresh().then(
          () => 'resolved',
          (error: { code: string }) => error.code,
        ),
      );
      await expect.poll(pendingRefresh).toBe(true);
      await loggerOut.evaluate(() => window.session.logout());
      expect(await refreshing).not.toBe('resolved');
      // The late answer has arrived and was dropped everywhere.
      await expect.poll(pendingRefresh).toBe(false);
      for (const page of pages) {
        expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
        expect(await page.evaluate(() => window.session.getAccessToken())).toBeNull();
        // No key, no ciphertext: at most the signed-out marker a tab wrote after the wipe.
        expect(await vaultRecords(page)).not.toContain('key');
      }
      await login(refresher);
      await allIn(pages, 'authenticated');
    }
    await noErrorsIn(pages, errors);
  });

  it('a tab opened after the wipe follows the old tabs, and they follow its login', async () => {
    const { pages, errors } = await signedInTabs(2);
    await plantWitness(pages[0]!);
    await pages[0]!.evaluate(() => window.session.logout());
    await allIn(pages, 'unauthenticated');
    await wiped(pages[1]!);

    const [late] = await h.newTabs(1);
    errors.push(trackErrors(late!));
    await startSessions([late!], OPTIONS);
    const all = [...pages, late!];
    await login(late!);
    await allIn(all, 'authenticated');
    await refreshReachesAll(all, pages[1]!);
    await outAndIn(all, pages[0]!, pages[1]!);
    await noErrorsIn(all, errors);
  });
});

describe('after the user cleared the site data (from a third tab)', () => {
  it('its storage, while a refresh is in flight: the tokens go into a new vault, reach every tab and survive a reload', async () => {
    const { pages, errors } = await signedInTabs(3);
    const [a, b, c] = pages as [Page, Page, Page];
    await plantWitness(a);
    h.server.control.delayRefresh(1_000);
    const before = await counts([b, c], 'refresh:other-tab');
    const refreshing = a.evaluate(() => window.session.refresh());
    await expect.poll(() => h.server.control.stats().requests.some((r) => r.path === '/auth/refresh' && r.status === 0)).toBe(true);
    await clearSiteData(c, 'storage');
    await wiped(b);
    await refreshing;
    await expect.poll(() => counts([b, c], 'refresh:other-tab')).toEqual(before.map((count) => count + 1));
    expect(await vaultRecords(b)).toEqual(['key', 'session']);
    h.server.control.delayRefresh(0);

    await b.reload();
    await startSessions([b], OPTIONS);
    expect(await b.evaluate(() => window.session.getState().status)).toBe('authenticated');
    expect(await b.evaluate(() => window.session.getAccessToken())).toBe(await a.evaluate(() => window.session.getAccessToken()));
    await refreshReachesAll(pages, c);
    await outAndIn(pages, b, c);
    await noErrorsIn(pages, errors);
  });

  it('all of it, cookies too: the next refresh finds the refresh cookie gone and signs every tab out; then login and logout reach all', async () => {
    const { pages, errors } = await signedInTabs(3);
    const [a, b, c] = pages as [Page, Page, Page];
    await plantWitness(a);
    await clearSiteData(c, 'all');
    await wiped(a);

    await b.evaluate(() => window.session.refresh().catch(() => undefined));
    // The refresh cookie is gone (401), and so is the session cookie the server keeps its CSRF copy in (403 first).
    for (const page of pages) expect(await loggedOut(page)).toContain('logout:refresh-rejected');
    await allIn(pages, 'unauthenticated');
    await login(c);
    await allIn(pages, 'authenticated');
    await a.evaluate(() => window.session.logout());
    await allIn(pages, 'unauthenticated');
    await noErrorsIn(pages, errors);
  });
});
