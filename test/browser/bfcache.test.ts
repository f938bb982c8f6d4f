// A page restored from the back/forward cache (issue 24, point 2), in Chromium with the bfcache
// on: it catches up with what the other tabs did while it was frozen (a refresh, a logout,
// another account) before getAccessToken() answers or a request goes out. The page asks for a
// token and calls the API in its own `pageshow` listener, the earliest an app can.
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { fingerprint } from '../../demo/server/index.ts';
import { waitForState } from './harness/browser.ts';
import { exceptIn } from './harness/engine.ts';
import { eventsOf, login, serverLoggedOut, startSessions as start } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({
  // Tokens that stay fresh for the whole test: whatever the restored page answers, it answers from what it knows.
  server: { accessTokenTtl: 60, controls: true, users: { alice: 'wonderland', bob: 'builder' } },
  launch: { bfcache: true },
});

/** What the restored page saw in its first `pageshow` listener, set up before it went away. */
interface Back {
  persisted: boolean;
  /** The token, or the error code getAccessToken() rejected with. */
  token: string | null;
  /** The API's answer, or the error code when the request never left. */
  status: number | string;
}

type BackWindow = Window & { twBack?: { persisted: boolean; token: Promise<string | null>; status: Promise<number | string> } };

/**
 * Navigates `page` to another page and back, running `meanwhile` while it is away, and resolves
 * what it saw on its way back. A page loaded again (not restored from the bfcache) has no
 * session and no record: `persisted` is then false.
 */
async function awayAndBack(page: Page, meanwhile: () => Promise<void>): Promise<Back> {
  await page.evaluate(() => {
    const win = window as BackWindow;
    addEventListener('pageshow', (event) => {
      if (!event.persisted) return;
      win.twBack = {
        persisted: true,
        token: win.session.getAccessToken().catch((error: { code: string }) => error.code),
        status: win.session.fetch('/api/me').then(
          (r) => r.status,
          (error: { code: string }) => error.code,
        ),
      };
    });
  });
  await page.goto(`${h.server.url}/index.html?away`);
  await meanwhile();
  await page.goBack({ waitUntil: 'commit' });
  // Restored: the record appears; loaded again: the page has the SDK but no session.
  await page.waitForFunction(() => (window as BackWindow).twBack !== undefined || (window.tokenward !== undefined && window.session === undefined));
  return page.evaluate(async () => {
    const back = (window as BackWindow).twBack;
    return back ? { persisted: back.persisted, token: await back.token, status: await back.status } : { persisted: false, token: null, status: 0 };
  });
}

/** Two signed-in tabs of one browser: `away` (the one that goes and comes back) and `other`. */
async function twoTabs(): Promise<{ away: Page; other: Page; before: string }> {
  const [away, other] = await h.newTabs(2);
  await start([away!, other!]);
  await login(away!);
  await waitForState(other!, 'authenticated');
  const before = (await away!.evaluate(() => window.session.getAccessToken()))!;
  h.server.control.reset();
  return { away: away!, other: other!, before };
}

/** Requests to the API that carried `token`. */
function sentWith(token: string): number {
  return h.server.control.stats().requests.filter((r) => r.path === '/api/me' && r.headers.authorization === `Bearer ${fingerprint(token)}`).length;
}

/** The keys in the vault's database, as the raw IndexedDB API sees them. */
const vaultRecords = (page: Page) =>
  page.evaluate(async () => (await window.twTest.dumpAllStorage()).indexedDB.filter((entry) => entry.db === 'tokenward-vault').map((entry) => entry.key));

const onlyChromium = exceptIn({
  firefox: 'the bfcache is switched on through a Chromium launch flag',
  webkit: 'the bfcache is switched on through a Chromium launch flag',
});

describe('a page restored from the back/forward cache (real Chromium, bfcache on)', () => {
  onlyChromium('takes the token another tab refreshed meanwhile, without a refresh of its own', async () => {
    const { away, other, before } = await twoTabs();
    let refreshed = '';
    const back = await awayAndBack(away, async () => {
      await other.evaluate(() => window.session.refresh());
      refreshed = (await other.evaluate(() => window.session.getAccessToken()))!;
    });
    expect(back.persisted).toBe(true);
    expect(refreshed).not.toBe(before);
    // The first answer after the restore is the other tab's token, and so is the first request.
    expect(back).toEqual({ persisted: true, token: refreshed, status: 200 });
    expect(sentWith(refreshed)).toBe(1);
    expect(sentWith(before)).toBe(0);
    expect(await eventsOf(away)).toEqual(['login:this-tab', 'refresh:other-tab']);
    const stats = h.server.control.stats();
    expect(stats).toMatchObject({ refreshCalls: 1, rotations: 1, reuseDetections: 0, api401s: 0 });
  });

  onlyChromium('is signed out when another tab logged out meanwhile, and sends no old token', async () => {
    const { away, other, before } = await twoTabs();
    const back = await awayAndBack(away, async () => {
      await other.evaluate(() => window.session.logout());
      // The server's answer, with Clear-Site-Data, came and the browser wiped the vault: the logout marker is gone too.
      await serverLoggedOut(h.server);
      await expect.poll(() => vaultRecords(other)).toEqual([]);
    });
    // The restored page cannot tell a logout from a wipe (the user's "delete site data", which the
    // session survives): before it answers, it asks the server with a refresh, which is refused.
    // It has no other way to know, so the reason is that of a refused refresh of a token it can no longer trust.
    expect(back).toEqual({ persisted: true, token: null, status: 'unauthenticated' });
    expect((await waitForState(away, 'unauthenticated')).claims).toBeNull();
    expect(sentWith(before)).toBe(0);
    const { apiCalls, rotations, requests } = h.server.control.stats();
    expect({ apiCalls, rotations }).toEqual({ apiCalls: 0, rotations: 0 });
    expect(requests.filter((r) => r.path.endsWith('/refresh')).map((r) => r.status)).toEqual([401]);
    expect(await eventsOf(away)).toEqual(['login:this-tab', 'logout:expired']);
  });

  onlyChromium('is signed out when another tab logged out meanwhile without Clear-Site-Data, reading the logout from the vault', async () => {
    const { away, other, before } = await twoTabs();
    h.server.control.setClearSiteData(false);
    const back = await awayAndBack(away, async () => {
      await other.evaluate(() => window.session.logout());
      await serverLoggedOut(h.server);
    });
    expect(back).toEqual({ persisted: true, token: null, status: 'unauthenticated' });
    expect(sentWith(before)).toBe(0);
    expect(h.server.control.stats()).toMatchObject({ apiCalls: 0, refreshCalls: 0 });
    expect(await eventsOf(away)).toEqual(['login:this-tab', 'logout:other-tab']);
  });

  onlyChromium("takes the other account's session when another tab signed in as someone else meanwhile", async () => {
    const { away, other, before } = await twoTabs();
    let bobs = '';
    const back = await awayAndBack(away, async () => {
      await other.evaluate(() => window.session.logout());
      await other.evaluate(() => window.session.login({ username: 'bob', password: 'builder' }));
      bobs = (await other.evaluate(() => window.session.getAccessToken()))!;
    });
    expect(back).toEqual({ persisted: true, token: bobs, status: 200 });
    expect(sentWith(before)).toBe(0);
    expect(sentWith(bobs)).toBe(1);
    expect((await waitForState(away, 'authenticated')).claims?.sub).toBe('bob');
    expect(await eventsOf(away)).toEqual(['login:this-tab', 'login:other-tab']);
    expect(h.server.control.stats().refreshCalls).toBe(0);
  });
});
