// Issue 24, point 1: a reload or a navigation while a refresh is on the wire loses nothing, with
// the reference server as shipped (reuse grace window 10 s), on both stores, in bearer mode (the
// refresh token in its HttpOnly cookie, or in the vault) and in cookie mode.
// - The answer is lost after the server rotated (test control loseRefreshAnswers): the page that
//   comes back finds the refresh journal in the vault and refreshes at once, replaying the token
//   just rotated; the grace window answers with its successor. No reuse, no logout.
// - The answer arrives after the page is gone (test control delayRefresh): the refresh was sent
//   with `keepalive`, so Chromium and WebKit keep the request, and store the rotated refresh cookie
//   its answer sets, although no page is left to read it; the page that comes back refreshes with
//   it. Firefox (ESR 153) cancels the request with the page, keepalive or not: the server sees the
//   client gone and does not rotate, and the page that comes back refreshes from the journal.
// Real browsers against the reference server (SQLite, and Debian's redis-server).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../server/redis.ts';
import { trackErrors, waitForState } from './harness/browser.ts';
import { ENGINE } from './harness/engine.ts';
import { eventsOf, login, startSessions, type PageSessionOptions } from './harness/sessions.ts';
import { useBrowserSuite, type BrowserSuite } from './harness/suite.ts';

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

const BEARER: PageSessionOptions = {};
const REFRESH_IN_BODY: PageSessionOptions = { endpoints: { login: '/auth/login?refresh_in_body=1', refresh: '/auth/refresh?refresh_in_body=1' } };
const COOKIE: PageSessionOptions = {
  mode: 'cookie',
  endpoints: { login: '/auth/cookie/login', refresh: '/auth/cookie/refresh', logout: '/auth/cookie/logout' },
};
const API: Record<'bearer' | 'cookie', string> = { bearer: '/api/me', cookie: '/api/cookie/me' };

/** A signed-in tab with a 30 s token: far from due, so only the journal makes the next page refresh at once. */
async function signedIn(h: BrowserSuite, options: PageSessionOptions): Promise<Page> {
  const page = await h.newTab();
  await startSessions([page], options);
  await login(page);
  h.server.control.reset();
  return page;
}

/** Starts a refresh in the page and resolves once the server has it (rotated, with `rotated`; else arrived). */
async function refreshOnTheWire(h: BrowserSuite, page: Page, rotated: boolean): Promise<void> {
  await page.evaluate(() => void window.session.refresh().catch(() => undefined));
  await expect.poll(() => h.server.control.stats()[rotated ? 'rotations' : 'refreshCalls']).toBe(1);
}

/** The page after coming back: signed in at once, the API answering, nothing ended. */
async function expectAlive(page: Page, mode: 'bearer' | 'cookie'): Promise<void> {
  expect((await page.evaluate(() => window.session.getState())).status).toBe('authenticated');
  expect(await page.evaluate((url) => window.session.fetch(url).then((r) => r.status), API[mode])).toBe(200);
  expect((await eventsOf(page)).filter((event) => event.startsWith('logout') || event.startsWith('error'))).toEqual([]);
}

const STORES: Array<[string, () => { redisUrl?: string }]> = [
  ['SQLite', () => ({})],
  ['Redis', () => ({ redisUrl: redis!.url })],
];

describe.each(STORES)('reload mid-refresh, %s store', (_store, storeOptions) => {
  const h = useBrowserSuite({
    // Read in beforeAll, once the Redis above is up.
    get server() {
      return { accessTokenTtl: 30, controls: true, ...storeOptions() };
    },
  });

  it.each([
    ['bearer, refresh cookie', 'reload', BEARER],
    ['bearer, refresh token in the vault', 'navigation', REFRESH_IN_BODY],
  ] as const)('%s: an answer lost after the rotation is replayed within the grace window after a %s', async (_name, how, options) => {
    const page = await signedIn(h, options);
    const errors = trackErrors(page);
    const before = await page.evaluate(() => window.session.getAccessToken());
    h.server.control.loseRefreshAnswers(1);
    await refreshOnTheWire(h, page, true);
    expect(h.server.control.stats().rotations).toBe(1);
    if (how === 'reload') await page.reload();
    else await page.goto(h.pageUrl);
    await startSessions([page], options);

    // The journal made the restore refresh before ready: the server's grace window answered it.
    expect(h.server.control.stats()).toMatchObject({ refreshCalls: 2, rotations: 1, reuseDetections: 0 });
    expect(await page.evaluate(() => window.session.getAccessToken())).not.toBe(before);
    await expectAlive(page, 'bearer');
    // And the session goes on rotating from the successor.
    await page.evaluate(() => window.session.refresh());
    expect(h.server.control.stats()).toMatchObject({ refreshCalls: 3, rotations: 2, reuseDetections: 0 });
    expect(errors).toEqual([]);
  });

  it('bearer: an answer that arrives after the page is gone still sets the rotated refresh cookie (keepalive; Firefox cancels the request instead)', async () => {
    const page = await signedIn(h, BEARER);
    const errors = trackErrors(page);
    const context = page.context();
    const cookie = async () => (await context.cookies()).find((c) => c.name.endsWith('tw_refresh'))?.value;
    const old = await cookie();
    h.server.control.delayRefresh(500);
    await refreshOnTheWire(h, page, false);
    await page.reload();
    const cancelled = ENGINE === 'firefox';
    if (cancelled) {
      // The server saw the request closed before its delay ended: nothing rotated, the old cookie stands.
      await expect.poll(() => h.server.control.stats().requests.find((r) => r.path === '/auth/refresh')?.status).toBe(0);
      expect(h.server.control.stats().rotations).toBe(0);
      expect(await cookie()).toBe(old);
    } else {
      // Rotated at send time (the server saw the client still there), after the page left, and the
      // browser stored the cookie. (It may then drop the connection before the body is read: no page
      // wants it. So the server's log can show the call unanswered; the cookie jar is what counts.)
      await expect.poll(cookie, { timeout: 10_000 }).not.toBe(old);
      expect(await cookie()).toBeDefined();
      expect(h.server.control.stats()).toMatchObject({ rotations: 1 });
    }

    h.server.control.delayRefresh(0);
    await startSessions([page], BEARER);
    // The journal: the restore refreshed at once, with the cookie the gone page's answer left (or the old one).
    expect(h.server.control.stats()).toMatchObject({ refreshCalls: 2, rotations: cancelled ? 1 : 2, reuseDetections: 0 });
    await expectAlive(page, 'bearer');
    expect(errors).toEqual([]);
  });

  it('cookie mode: a refresh cut off by a reload, answered or lost, leaves the session alive', async () => {
    const page = await signedIn(h, COOKIE);
    const errors = trackErrors(page);
    h.server.control.delayRefresh(500);
    await refreshOnTheWire(h, page, false);
    await page.reload();
    h.server.control.delayRefresh(0);
    await startSessions([page], COOKIE);
    expect(h.server.control.stats().refreshCalls).toBe(2);
    await expectAlive(page, 'cookie');

    h.server.control.reset();
    h.server.control.loseRefreshAnswers(1);
    await refreshOnTheWire(h, page, false);
    await page.goto(h.pageUrl);
    await startSessions([page], COOKIE);
    // (Whether the restore's own refresh reached the server is not asserted: in cookie mode nothing
    // rotates, and 1 run in 10 on Redis showed only the lost call; the session is what counts.)
    await waitForState(page, 'authenticated');
    await expectAlive(page, 'cookie');
    expect(errors).toEqual([]);
  });
});
