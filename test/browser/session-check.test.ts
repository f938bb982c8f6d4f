// Server-side invalidation reaches every tab (issue 12): two browser contexts are two devices,
// each with tabs running the session check against the reference server.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../demo/server/index.ts';
import { makeGarbage, waitForState } from './harness/browser.ts';
import { devicesSeenFrom, outTimes, postFrom, signedInDevice } from './harness/devices.ts';
import { eventsOf, startSessions, type PageSessionOptions } from './harness/sessions.ts';
import { ENGINE } from './harness/engine.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({
  server: {
    accessTokenTtl: 30,
    controls: true,
    users: { alice: 'wonderland', mallory: 'guess-me' },
    loginLimits: { perUser: 2 },
    // /session-ended.json: a check endpoint that answers 200 {"active": false}.
    staticDirs: [fileURLToPath(new URL('static', import.meta.url))],
  },
});

const INTERVAL = 2;
const CHECKED: PageSessionOptions = { sessionCheck: { interval: INTERVAL } };

const logouts = async (page: Page) => (await eventsOf(page)).filter((line) => line.startsWith('logout'));

/** Resolves once the server answered `count` more session checks with `status` after `since` (ms). */
async function checksAnswered(status: number, since: number, count = 1): Promise<void> {
  const answered = () => h.server.control.stats().requests.filter((r) => r.path === '/auth/session' && r.status === status && r.at > since).length;
  await expect.poll(answered, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(count);
}

describe('session check (real Chromium, two devices)', () => {
  it('signs out every tab of a device revoked from another within interval + 1 s; the other device stays in', async () => {
    const a = await signedInDevice(await h.newContext(), h.pageUrl, 2, CHECKED);
    const b = await signedInDevice(await h.newContext(), h.pageUrl, 2, CHECKED);
    const devices = await devicesSeenFrom(a.tabs[0]!);
    expect(devices).toHaveLength(2);
    expect(devices.filter((d) => d.current)).toHaveLength(1);
    const other = devices.find((d) => !d.current)!;
    expect(other.label).toMatch({ chromium: /Chrome/, firefox: /Firefox/, webkit: /Safari/ }[ENGINE]);

    const revokedAt = await postFrom(a.tabs[0]!, `/auth/sessions/${other.id}/revoke`);
    const out = await outTimes(b.tabs);
    const lastOut = Math.max(...out) - revokedAt;
    console.log(`[session-check] revocation -> last tab of the device out: ${lastOut} ms (interval ${INTERVAL} s)`);
    // The bound is interval + 1 s; one more second of slack for a loaded machine (the figure is above and in the bench).
    expect(lastOut).toBeLessThanOrEqual((INTERVAL + 2) * 1000);
    for (const tab of b.tabs) expect(await logouts(tab)).toEqual(['logout:revoked']);
    // The server's word is final there: its refresh family is dead.
    expect(await b.tabs[0]!.evaluate(() => window.session.getAccessToken())).toBeNull();

    // Device A went on being checked after the revocation and is still signed in.
    await checksAnswered(200, revokedAt);
    for (const tab of a.tabs) {
      expect(await tab.evaluate(() => window.session.getState().status)).toBe('authenticated');
      expect(await logouts(tab)).toEqual([]);
    }
    expect(await devicesSeenFrom(a.tabs[1]!)).toHaveLength(1);
  });

  it('"sign out everywhere" signs out every tab of every device, a cookie-mode one too', async () => {
    const a = await signedInDevice(await h.newContext(), h.pageUrl, 2, CHECKED);
    const b = await signedInDevice(await h.newContext(), h.pageUrl, 2, {
      ...CHECKED,
      mode: 'cookie',
      endpoints: { login: '/auth/cookie/login', refresh: '/auth/cookie/refresh', logout: '/auth/cookie/logout' },
    });
    await postFrom(a.tabs[0]!, '/auth/logout-all');
    // What an app does after it: the local logout here, at once (the check would find it too).
    await a.tabs[0]!.evaluate(() => window.session.logout());
    await outTimes([...a.tabs, ...b.tabs]);
    for (const tab of b.tabs) expect(await logouts(tab)).toEqual(['logout:revoked']);
    // The other tab of A is out once: through the local logout's broadcast, or through its own
    // check if a tick (or, in WebKit, the adapter focusing its window) came first.
    expect(await logouts(a.tabs[1]!)).toEqual([expect.stringMatching(/^logout:(other-tab|revoked)$/)]);
  });

  it('ends the session when the check answers 200 {"active": false}', async () => {
    const device = await signedInDevice(await h.newContext(), h.pageUrl, 2, { sessionCheck: { endpoint: '/session-ended.json', interval: 0.5 } });
    await outTimes(device.tabs);
    for (const tab of device.tabs) expect(await logouts(tab)).toEqual(['logout:revoked']);
  });

  it('asks once per interval for the whole browser however many tabs are visible, plus once per focus or coming online', async () => {
    const device = await signedInDevice(await h.newContext(), h.pageUrl, 4, { sessionCheck: { interval: 1 } });
    const visible = await Promise.all(device.tabs.map((tab) => tab.evaluate(() => document.visibilityState)));
    expect(visible).toEqual(['visible', 'visible', 'visible', 'visible']);
    // Every wake-up event a tab gets is an occasion the check may take.
    const occasionsIn = (tab: Page) =>
      tab.evaluate(() => {
        const counted = window as unknown as { occasions: number };
        counted.occasions = 0;
        for (const name of ['focus', 'online']) window.addEventListener(name, () => counted.occasions++);
      });
    await Promise.all(device.tabs.map(occasionsIn));
    const since = Date.now();
    // Ten checks' worth of intervals, with the user switching tabs twice and the network coming back once.
    // (Headless Chromium fires no focus event for bringToFront, so the tab gets one as a switch would give it.)
    const focus = (tab: Page) => tab.evaluate(() => void window.dispatchEvent(new FocusEvent('focus')));
    await checksAnswered(200, since, 3);
    await focus(device.tabs[1]!);
    await checksAnswered(200, since, 5);
    await device.context.setOffline(true);
    await device.context.setOffline(false); // 'online' in all four tabs at once: one occasion for the browser
    await checksAnswered(200, since, 7);
    await focus(device.tabs[2]!);
    await checksAnswered(200, since, 10);
    const intervals = Math.ceil((Date.now() - since) / 1000);
    const checks = h.server.control.stats().requests.filter((r) => r.path === '/auth/session' && r.at > since).length;
    const occasions = await Promise.all(device.tabs.map((tab) => tab.evaluate(() => (window as unknown as { occasions: number }).occasions)));
    // Per browser: each focus is one occasion, and 'online' (heard by every tab) is one more.
    const focuses = occasions.reduce((x, y) => x + y, 0) - device.tabs.length;
    console.log(
      `[session-check] 4 visible tabs, ${intervals} intervals of 1 s: ${checks} checks (${focuses} focus events, 1 coming online; wake-up events heard in the tabs: ${occasions.join(', ')})`,
    );
    expect(checks).toBeLessThanOrEqual(intervals + focuses + 1);
    for (const tab of device.tabs) expect(await logouts(tab)).toEqual([]);
  });

  it('checks when a tab gets focus and when the browser comes back online, between interval ticks', async () => {
    // An hour-long interval: no tick during the test, so every check here comes from an occasion.
    const hourly: PageSessionOptions = { sessionCheck: { interval: 3600 } };
    const focused = await signedInDevice(await h.newContext(), h.pageUrl, 2, hourly);
    const since = Date.now();
    await focused.tabs[1]!.evaluate(() => void window.dispatchEvent(new FocusEvent('focus')));
    await checksAnswered(200, since, 1);
    const reconnected = await signedInDevice(await h.newContext(), h.pageUrl, 2, hourly);
    await reconnected.context.setOffline(true);
    await reconnected.context.setOffline(false);
    await checksAnswered(200, since, 2);
  });

  it('does not poll from a browser whose tabs are all hidden', async () => {
    const options: PageSessionOptions = { sessionCheck: { interval: 0.5 } };
    const hidden = await signedInDevice(await h.newContext(), h.pageUrl, 2, options);
    // Headless tabs are all visible; these say otherwise, as minimised windows or background tabs would.
    await Promise.all(hidden.tabs.map((tab) => tab.evaluate(() => Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' }))));
    const since = Date.now();
    // A visible device beside it polls on the same ticks, so its fourth check means the hidden one had four chances.
    const visible = await signedInDevice(await h.newContext(), h.pageUrl, 1, options);
    await checksAnswered(200, since, 4);
    // Counted against the visible device's cookie only: reading the hidden device's cookies would
    // bring one of its windows to the front in WebKit (the WebDriver adapter's cookie window), and
    // a focused tab rightly checks at once.
    const [sid] = (await visible.context.cookies()).filter((cookie) => cookie.name === 'connect.sid');
    const mark = `connect.sid=${fingerprint(decodeURIComponent(sid!.value))}`;
    const checks = h.server.control.stats().requests.filter((r) => r.path === '/auth/session' && r.at > since);
    expect(checks.filter((r) => r.headers.cookie?.includes(mark)).length).toBeGreaterThanOrEqual(4);
    expect(checks.filter((r) => !r.headers.cookie?.includes(mark))).toEqual([]);
  });

  it('logs nobody out when the check endpoint fails: 500, hang, dropped connection, while the pages make garbage', async () => {
    const device = await signedInDevice(await h.newContext(), h.pageUrl, 2, { sessionCheck: { interval: 0.5 }, timeout: 500 });
    // Garbage collections while checks hang: WebKit can then lose the abort of a fetched Request's
    // signal, and a hung check that is never given up would hold the check lock, stopping all checks.
    await Promise.all(device.tabs.map(makeGarbage));
    for (const kind of ['500', 'hang', 'drop'] as const) {
      h.server.control.failSessionCheck(kind);
      const since = Date.now();
      await expect
        .poll(() => h.server.control.stats().requests.filter((r) => r.path === '/auth/session' && r.at > since).length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
    }
    h.server.control.failSessionCheck(null);
    await checksAnswered(200, Date.now());
    for (const tab of device.tabs) {
      expect(await tab.evaluate(() => window.session.getState().status)).toBe('authenticated');
      expect(await logouts(tab)).toEqual([]);
    }
  });

  it('surfaces a throttled login as rate_limited with retryAfter', async () => {
    const [page] = await h.newTabs(1);
    await startSessions([page!]);
    const attempt = () =>
      page!.evaluate(() =>
        window.session.login({ username: 'mallory', password: 'wrong' }).then(
          () => 'signed in',
          (error: InstanceType<typeof window.tokenward.TokenwardError>) => `${error.code}:${error.status}:${error.retryAfter}`,
        ),
      );
    expect([await attempt(), await attempt()]).toEqual(['login_failed:401:undefined', 'login_failed:401:undefined']);
    expect(await attempt()).toMatch(/^rate_limited:429:(\d+)$/);
    expect(Number((await attempt()).split(':')[2])).toBeGreaterThan(0);
    await waitForState(page!, 'unauthenticated');
  });
});
