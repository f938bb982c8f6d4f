// A device that sleeps (issue 24, point 3): every tab's JavaScript stops (the DevTools protocol's
// Debugger.pause in each tab: no timer fires, nothing runs) for longer than the access token's
// lifetime and the session check's interval, then all wake at once with their timers overdue,
// as after a laptop's lid opens. No wake-up event is sent: the overdue timers alone must do.
// Real Chromium, the reference server counting the calls.
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { exceptIn } from './harness/engine.ts';
import { eventsOf, login, startSessions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const TTL = 6;
const CHECK_INTERVAL = 2;
const h = useBrowserSuite({ server: { accessTokenTtl: TTL, controls: true } });

type BusyWindow = Window & { twCalls?: Array<number | string> };

/** Every tab calls the API every 100 ms from now on, recording each outcome: busy tabs, as the device goes to sleep and wakes. */
const keepCalling = (page: Page) =>
  page.evaluate(() => {
    const win = window as BusyWindow;
    win.twCalls = [];
    setInterval(
      () =>
        void win.session.fetch('/api/me').then(
          (r) => win.twCalls?.push(r.status),
          (error: { code: string }) => win.twCalls?.push(error.code),
        ),
      100,
    );
  });

/** Stops the tab's JavaScript where it next runs (its API calls run every 100 ms) and resolves once it stands still. */
async function sleep(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Debugger.enable');
  const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()));
  await cdp.send('Debugger.pause');
  await paused;
  return cdp;
}

describe('a device that sleeps past the token and the session check (real Chromium, several tabs)', () => {
  exceptIn({
    firefox: 'pausing every script of a tab takes the DevTools protocol (Debugger.pause)',
    webkit: 'pausing every script of a tab takes the DevTools protocol (Debugger.pause)',
  })('wakes to one refresh for the browser, no 401 and the same signed-in state in every tab', async () => {
    const pages = await h.newTabs(3);
    const errors = pages.map((page) => trackErrors(page));
    await startSessions(pages, { sessionCheck: { interval: CHECK_INTERVAL } });
    await login(pages[0]!);
    const { expiresAt } = await waitForState(pages[0]!, 'authenticated');
    await Promise.all(pages.map((page) => waitForState(page, (s) => s.status === 'authenticated' && !s.refreshing)));
    const before = await pages[0]!.evaluate(() => window.session.getAccessToken());
    await Promise.all(pages.map(keepCalling));

    const sessions = await Promise.all(pages.map(sleep));
    h.server.control.reset();
    // The token the tabs get on waking lives long enough that the one refresh is all this test sees.
    h.server.control.setAccessTokenTtl(60);
    // The device is asleep: the time itself is the event waited for, past the token's expiry and a session check tick.
    const asleepUntil = expiresAt! + CHECK_INTERVAL * 1000 + 500;
    await new Promise((resolve) => setTimeout(resolve, asleepUntil - Date.now()));
    expect(h.server.control.stats().requests).toEqual([]);
    await Promise.all(sessions.map((cdp) => cdp.send('Debugger.resume')));

    // Every tab holds the one new token, and has had API answers with it since.
    const token = async (page: Page) => page.evaluate(() => window.session.getAccessToken());
    await expect.poll(async () => new Set(await Promise.all(pages.map(token))).size).toBe(1);
    const after = await token(pages[0]!);
    expect(after).not.toBe(before);
    const calls = (page: Page) => page.evaluate(() => (window as BusyWindow).twCalls?.length ?? 0);
    const seen = await Promise.all(pages.map(calls));
    await expect.poll(async () => (await Promise.all(pages.map(calls))).every((n, i) => n >= seen[i]! + 5)).toBe(true);

    const stats = h.server.control.stats();
    expect({ refreshCalls: stats.refreshCalls, rotations: stats.rotations, reuse: stats.reuseDetections, api401s: stats.api401s }).toEqual({
      refreshCalls: 1,
      rotations: 1,
      reuse: 0,
      api401s: 0,
    });
    // The session checks that were due went out with the new token (one per occasion for the whole browser), and found the session alive.
    const checks = stats.requests.filter((r) => r.path === '/auth/session');
    expect(checks.length).toBeGreaterThanOrEqual(1);
    expect(checks.every((r) => r.status === 200)).toBe(true);
    for (const page of pages) {
      expect(await page.evaluate(() => (window as BusyWindow).twCalls?.every((outcome) => outcome === 200))).toBe(true);
      expect((await waitForState(page, 'authenticated')).expiresAt).toBeGreaterThan(Date.now());
      expect((await eventsOf(page)).filter((line) => line.startsWith('logout') || line.startsWith('error'))).toEqual([]);
    }
    // One tab refreshed; the others adopted its token from the vault.
    const refreshes = await Promise.all(pages.map(async (page) => (await eventsOf(page)).filter((line) => line.startsWith('refresh'))));
    expect(refreshes.flat().sort()).toEqual(['refresh:other-tab', 'refresh:other-tab', 'refresh:this-tab']);
    for (const list of errors) expect(list).toEqual([]);
  });
});
