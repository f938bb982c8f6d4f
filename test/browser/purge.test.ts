// The logout purge on its own (src/logout/purge.ts), in real Chromium tabs on the purge
// fixture page: what it clears, what it must leave, and that nothing makes it hang or throw.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PurgeOptions } from '../../src/logout/purge.ts';
import { trackErrors } from './harness/browser.ts';
import { ENGINE, exceptIn } from './harness/engine.ts';
import { useBrowserSuite } from './harness/suite.ts';

/** A failure as the page reports it: Error objects do not cross page.evaluate intact. */
interface ReportedFailure {
  step: string;
  name: string;
  message: string;
}

/** Where the blocking tab keeps its database connection open. */
type HolderWindow = Window & { held?: IDBDatabase };

describe('purgeClientStorage', () => {
  const h = useBrowserSuite();

  /**
   * A tab on the purge page, errors tracked. With `url`, the page is served at that address
   * instead (its host must resolve to 127.0.0.1): page script only sees the cookies of its own
   * document's path, and history.pushState does not change that path for cookies.
   */
  async function openPurgePage(context: BrowserContext, url?: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors = trackErrors(page);
    if (url) {
      await page.route(url, async (route) => route.fulfill({ response: await route.fetch({ url: `${h.server.url}/purge.html` }) }));
    }
    await page.goto(url ?? `${h.server.url}/purge.html`);
    await page.waitForFunction(() => typeof window.twPurge === 'function', undefined, { timeout: 10_000 });
    return { page, errors };
  }

  function purge(
    page: Page,
    options?: PurgeOptions, // without keep(): functions do not cross page.evaluate
    keepDatabases: string[] = [],
    keepCookies: string[] = [],
  ): Promise<ReportedFailure[]> {
    return page.evaluate(
      async ([options, keepDatabases, keepCookies]) => {
        const { failed } = await window.twPurge(options ?? undefined, keepDatabases, keepCookies);
        return failed.map(({ step, error }) => ({ step, name: error.name, message: error.message }));
      },
      [options ?? null, keepDatabases, keepCookies] as const,
    );
  }

  function seedWebStorage(page: Page, which: 'localStorage' | 'sessionStorage', entries: Record<string, string>): Promise<void> {
    return page.evaluate(
      ([which, entries]) => {
        for (const [key, value] of Object.entries(entries)) window[which].setItem(key, value);
      },
      [which, entries] as const,
    );
  }

  /** A database with one store and one record, closed again (a held connection would block its deletion). */
  function seedDatabase(page: Page, name: string): Promise<void> {
    return page.evaluate(
      (name) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(name, 1);
          open.onupgradeneeded = () => open.result.createObjectStore('items');
          open.onerror = () => reject(open.error ?? new Error('open failed'));
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('items', 'readwrite');
            tx.objectStore('items').put('app data', 'record');
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
          };
        }),
      name,
    );
  }

  function seedCache(page: Page, name: string): Promise<void> {
    return page.evaluate(async (name) => {
      const cache = await caches.open(name);
      await cache.put(new Request(`/cached/${name}`), new Response('cached app data'));
    }, name);
  }

  function setCookies(page: Page, cookies: string[]): Promise<void> {
    return page.evaluate((cookies) => {
      for (const cookie of cookies) document.cookie = cookie;
    }, cookies);
  }

  const dump = (page: Page) => page.evaluate(() => window.twTest.dumpAllStorage());
  // Names only, without opening them: an open would wait behind a pending deletion.
  const databaseNames = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? '').sort());
  const cacheNames = async (page: Page) => [...new Set((await dump(page)).caches.map((entry) => entry.cache))].sort();

  it('clears web storage, IndexedDB, Cache Storage and readable cookies, each tab its own sessionStorage', async () => {
    const context = await h.context();
    const a = await openPurgePage(context);
    const b = await openPurgePage(context);
    await seedWebStorage(a.page, 'localStorage', { 'app:cart': '3 items', theme: 'dark' });
    await seedWebStorage(a.page, 'sessionStorage', { 'wizard-step': '2' });
    await seedWebStorage(b.page, 'sessionStorage', { 'wizard-step': '5' });
    await seedDatabase(a.page, 'app-db');
    await seedDatabase(a.page, 'tokenward-vault');
    await seedCache(a.page, 'app-cache');
    await seedCache(a.page, 'images');
    await setCookies(a.page, ['app-pref=compact; Path=/', 'consent=yes']);
    // The server set its readable CSRF cookie with the page; a purge takes it too unless kept.
    expect(await a.page.evaluate(() => document.cookie)).toContain('XSRF-TOKEN=');

    expect(await purge(a.page, undefined, ['tokenward-vault'])).toEqual([]);

    expect(await dump(a.page)).toMatchObject({ localStorage: {}, sessionStorage: {}, cookies: '', caches: [] });
    expect(await databaseNames(a.page)).toEqual(['tokenward-vault']);
    // The other tab shares the origin's storage, but its sessionStorage is its own...
    expect(await dump(b.page)).toMatchObject({ localStorage: {}, sessionStorage: { 'wizard-step': '5' }, cookies: '' });
    // ...until it purges too, which also finds nothing left of the rest and reports nothing.
    expect(await purge(b.page, undefined, ['tokenward-vault'])).toEqual([]);
    expect((await dump(b.page)).sessionStorage).toEqual({});
    expect(await databaseNames(b.page)).toEqual(['tokenward-vault']);

    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('honours prefixes, keep(), and lists of databases and caches', async () => {
    const { page, errors } = await openPurgePage(await h.context());
    const seeded = { 'app-cart': '3 items', 'app-layout': 'wide', 'other-lib': 'x' };
    await seedWebStorage(page, 'localStorage', seeded);
    await seedWebStorage(page, 'sessionStorage', seeded);
    await setCookies(page, ['app-cart=3', 'app-layout=wide', 'other-lib=x']);
    await seedDatabase(page, 'app-db');
    await seedDatabase(page, 'other-db');
    await seedCache(page, 'app-cache');
    await seedCache(page, 'other-cache');

    const failed = await page.evaluate(async () => {
      const filter = { prefixes: ['app-'], keep: (key: string) => key === 'app-layout' };
      const { failed } = await window.twPurge(
        { localStorage: filter, sessionStorage: filter, cookies: filter, indexedDB: ['app-db'], caches: ['app-cache'] },
        [],
        ['XSRF-TOKEN'],
      );
      return failed.length;
    });
    expect(failed).toBe(0);

    const after = await dump(page);
    const kept = { 'app-layout': 'wide', 'other-lib': 'x' };
    expect(after.localStorage).toEqual(kept);
    expect(after.sessionStorage).toEqual(kept);
    expect(after.cookies.split('; ').sort()).toEqual([expect.stringMatching(/^XSRF-TOKEN=/), 'app-layout=wide', 'other-lib=x']);
    expect(await databaseNames(page)).toEqual(['other-db']);
    expect(await cacheNames(page)).toEqual(['other-cache']);
    expect(errors).toEqual([]);
  });

  exceptIn({ webkit: 'a page at a *.localhost host needs page.route, which the WebDriver adapter lacks' })(
    'expires readable cookies under every path and domain they may have been set with',
    async () => {
      const context = await h.context();
      // *.localhost resolves to loopback in Chromium, which gives us a host with parent domains.
      const host = 'app.tw.localhost';
      const pageUrl = `http://${host}:${h.server.port}/a/b/page`;
      const { page, errors } = await openPurgePage(context, pageUrl);
      await setCookies(page, [
        'host-root=1; Path=/',
        'host-a=1; Path=/a',
        'host-ab-slash=1; Path=/a/b/',
        'host-page=1; Path=/a/b/page',
        'domain-host=1; Path=/; Domain=app.tw.localhost',
        'domain-parent-dot=1; Path=/a; Domain=.tw.localhost',
        'domain-parent=1; Path=/a/b; Domain=tw.localhost',
        // One name, three cookies: each (Domain, Path) pair is a cookie of its own.
        'twin=1; Path=/',
        'twin=2; Path=/a/b; Domain=tw.localhost',
        'twin=3; Path=/a/; Domain=app.tw.localhost',
        '__Secure-flag=1; Path=/; Secure',
        // No '=': a cookie with an empty name.
        'nameless; Path=/a',
      ]);
      // The server's: page script can neither read nor expire it.
      await context.addCookies([{ name: 'server-session', value: 's', domain: host, path: '/', httpOnly: true }]);
      // Every cookie this page's requests would carry, whatever its Path and Domain.
      const cookieNames = async () => (await context.cookies(pageUrl)).map((cookie) => cookie.name).sort();
      // Firefox reads a cookie string with no '=' as a name with an empty value, not as an empty
      // name (RFC 6265bis); either way the purge below must expire it.
      expect(await cookieNames()).toEqual(
        [
          ENGINE === 'firefox' ? 'nameless' : '',
          'XSRF-TOKEN',
          '__Secure-flag',
          'domain-host',
          'domain-parent',
          'domain-parent-dot',
          'host-a',
          'host-ab-slash',
          'host-page',
          'host-root',
          'server-session',
          'twin',
          'twin',
          'twin',
        ].sort(),
      );

      // By default the parent domain's cookies stay (sibling apps share them), and are reported.
      expect(await purge(page, undefined, [], ['XSRF-TOKEN'])).toEqual([
        { step: 'cookies', name: 'Error', message: expect.stringMatching(/^still readable after expiring: /) },
      ]);
      expect(await cookieNames()).toEqual(['XSRF-TOKEN', 'domain-parent', 'domain-parent-dot', 'server-session', 'twin']);
      expect(await purge(page, { parentDomainCookies: true }, [], ['XSRF-TOKEN'])).toEqual([]);

      // Only the kept one and the HttpOnly one are left.
      expect(await cookieNames()).toEqual(['XSRF-TOKEN', 'server-session']);
      expect(await page.evaluate(() => document.cookie)).toMatch(/^XSRF-TOKEN=[^;]+$/);
      expect(errors).toEqual([]);
    },
  );

  it('reports a failing step and still runs the others', async () => {
    const { page, errors } = await openPurgePage(await h.context());
    await seedWebStorage(page, 'localStorage', { 'app-cart': '3 items' });
    await seedWebStorage(page, 'sessionStorage', { draft: 'text', 'wizard-step': '2' });
    await seedCache(page, 'app-cache');
    await setCookies(page, ['app-pref=compact']);

    const failed = await page.evaluate(async () => {
      // What a browser that refuses storage access does, for the length of the purge.
      const databases = indexedDB.databases;
      indexedDB.databases = () => Promise.reject(new DOMException('storage access denied', 'SecurityError'));
      const keep = (key: string) => {
        if (key === 'draft') throw new TypeError('app bug');
        return false;
      };
      try {
        const { failed } = await window.twPurge({ sessionStorage: { keep } }, []);
        return failed.map(({ step, error }) => ({ step, name: error.name, message: error.message }));
      } finally {
        indexedDB.databases = databases;
      }
    });

    expect(failed).toEqual([
      { step: 'sessionStorage', name: 'Error', message: 'keep() threw, so "draft" was kept' },
      { step: 'indexedDB', name: 'SecurityError', message: 'storage access denied' },
    ]);
    expect(await dump(page)).toMatchObject({ localStorage: {}, sessionStorage: { draft: 'text' }, cookies: '', caches: [] });
    expect(errors).toEqual([]);
  });

  it('unregisters service workers only when asked', async () => {
    const { page, errors } = await openPurgePage(await h.context());
    await page.evaluate(() => navigator.serviceWorker.register(window.twServiceWorkerUrl));
    const registrations = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);
    expect(await registrations()).toBe(1);

    expect(await purge(page)).toEqual([]);
    expect(await registrations()).toBe(1);

    expect(await purge(page, { serviceWorkers: true })).toEqual([]);
    expect(await registrations()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('does not hang when the browser leaves its list of databases unanswered, and asks again', async () => {
    const { page, errors } = await openPurgePage(await h.context());
    await seedDatabase(page, 'app-db');
    // What Chromium does to a listing asked for while a Clear-Site-Data answer wipes the origin's
    // storage (seen with the owed logout's retry on a page load): it never answers that one.
    await page.evaluate(() => {
      const list = indexedDB.databases.bind(indexedDB);
      let calls = 0;
      indexedDB.databases = () => (++calls === 1 ? new Promise<never>(() => undefined) : list());
    });

    expect(await purge(page)).toEqual([]);

    expect(await databaseNames(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('does not hang on a deletion another tab blocks, in every tab purging at once, and reports it', async () => {
    const context = await h.context();
    const [a, b, holder] = await Promise.all([openPurgePage(context), openPurgePage(context), openPurgePage(context)]);
    await seedDatabase(a.page, 'app-db');
    await seedDatabase(a.page, 'free-db');
    // An app connection that ignores `versionchange`: the deletion stays blocked while it is open.
    await holder.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('app-db');
          open.onsuccess = () => {
            (window as HolderWindow).held = open.result;
            resolve();
          };
          open.onerror = () => reject(open.error ?? new Error('open failed'));
        }),
    );
    await seedWebStorage(a.page, 'localStorage', { 'app-cart': '3 items' });

    const [failedA, failedB] = await Promise.all([purge(a.page), purge(b.page)]);

    for (const failed of [failedA, failedB]) {
      expect(failed).toEqual([{ step: 'indexedDB', name: 'Error', message: expect.stringContaining('"app-db" not deleted') }]);
    }
    // Not dumpAllStorage: it opens every database, and an open waits behind the pending deletion.
    expect(await a.page.evaluate(() => localStorage.length)).toBe(0);
    expect(await databaseNames(b.page)).not.toContain('free-db');

    // The deletion was only postponed: it completes once the connection closes.
    await holder.page.evaluate(() => (window as HolderWindow).held?.close());
    await a.page.waitForFunction(async () => !(await indexedDB.databases()).some((db) => db.name === 'app-db'), undefined, {
      polling: 50,
      timeout: 10_000,
    });
    expect([...a.errors, ...b.errors, ...holder.errors]).toEqual([]);
  });
});
