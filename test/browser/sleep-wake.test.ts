// A device that sleeps (issue 24, point 3): every tab's JavaScript stops (paused under the DevTools
// protocol's debugger: no timer fires, nothing runs) for longer than the access token's lifetime
// and the session check's interval, then all wake at once with their timers overdue, as after a
// laptop's lid opens. No wake-up event is sent: the overdue timers alone must do.
// Where a tab falls asleep decides what it may see on waking, so each test says where:
// - between two of its tasks (at the start of its next API call): then the overdue timers must
//   bring the one refresh before any call leaves, and no call sees a 401;
// - inside a call, after it read a token that was still good and before fetch sent it: that call
//   leaves with the old token on waking, so it gets one 401, and the retry after the one refresh
//   answers it. (Pausing a tab anywhere, with Debugger.pause, lands here about once in a hundred
//   runs: the two cases are kept apart so that each test asserts exactly its own promise.)
// Real Chromium, the reference server counting the calls.
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { fingerprint } from '../../demo/server/index.ts';
import { trackErrors, waitForState } from './harness/browser.ts';
import { exceptIn } from './harness/engine.ts';
import { eventsOf, login, startSessions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const TTL = 6;
const CHECK_INTERVAL = 2;
const h = useBrowserSuite({ server: { accessTokenTtl: TTL, controls: true } });

/** Where a tab falls asleep: at the start of its next API call, or inside it, just before fetch sends it. */
type Bedtime = 'between-calls' | 'mid-call';
type BusyWindow = Window & { twCalls?: Array<number | string>; twBedtime?: Bedtime };

/**
 * The tab calls the API every 100 ms from now on, recording each outcome: busy tabs, as the
 * device goes to sleep and wakes. Once `twBedtime` is set, the next call stops at a `debugger`
 * statement there (the debugger is attached by sleep()).
 */
const keepCalling = (page: Page) =>
  page.evaluate(() => {
    const win = window as BusyWindow;
    const fallAsleep = (at: Bedtime) => {
      if (win.twBedtime !== at) return;
      win.twBedtime = undefined;
      // eslint-disable-next-line no-debugger -- this is how the tab falls asleep
      debugger;
    };
    const send = window.fetch.bind(window);
    // The SDK reads the token, then sends the request with the global fetch.
    window.fetch = (input, init) => {
      if (input instanceof Request && new URL(input.url).pathname === '/api/me') fallAsleep('mid-call');
      return send(input, init);
    };
    win.twCalls = [];
    setInterval(() => {
      fallAsleep('between-calls');
      void win.session.fetch('/api/me').then(
        (r) => win.twCalls?.push(r.status),
        (error: { code: string }) => win.twCalls?.push(error.code),
      );
    }, 100);
  });

/** Stops the tab's JavaScript at `bedtime` in its next API call (within 100 ms) and resolves once it stands still. */
async function sleep(page: Page, bedtime: Bedtime): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Debugger.enable');
  const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()));
  await page.evaluate((at) => {
    (window as BusyWindow).twBedtime = at;
  }, bedtime);
  await paused;
  return cdp;
}

/**
 * Three busy tabs signed in, asleep (each at its bedtime) past the token's expiry and a session
 * check tick, then awake until every tab holds the one new token and has had 5 more API answers.
 * What every wake-up must give, wherever the tabs slept, is asserted here: one refresh for the
 * browser (one tab refreshed, the others adopted its token), every call answered 200 in the end,
 * the session checks that were due found the session alive, no logout and no error.
 */
async function sleepPastExpiry(bedtimes: readonly Bedtime[]) {
  const pages = await h.newTabs(bedtimes.length);
  const errors = pages.map((page) => trackErrors(page));
  await startSessions(pages, { sessionCheck: { interval: CHECK_INTERVAL } });
  await login(pages[0]!);
  const { expiresAt } = await waitForState(pages[0]!, 'authenticated');
  await Promise.all(pages.map((page) => waitForState(page, (s) => s.status === 'authenticated' && !s.refreshing)));
  const before = await pages[0]!.evaluate(() => window.session.getAccessToken());
  await Promise.all(pages.map(keepCalling));

  const sessions = await Promise.all(pages.map((page, i) => sleep(page, bedtimes[i]!)));
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
  expect(await token(pages[0]!)).not.toBe(before);
  const calls = (page: Page) => page.evaluate(() => (window as BusyWindow).twCalls?.length ?? 0);
  const seen = await Promise.all(pages.map(calls));
  await expect.poll(async () => (await Promise.all(pages.map(calls))).every((n, i) => n >= seen[i]! + 5)).toBe(true);

  const stats = h.server.control.stats();
  expect({ refreshCalls: stats.refreshCalls, rotations: stats.rotations, reuse: stats.reuseDetections }).toEqual({ refreshCalls: 1, rotations: 1, reuse: 0 });
  // The session checks that were due went out with the new token (one per occasion for the whole browser), and found the session alive.
  const checks = stats.requests.filter((r) => r.path === '/auth/session');
  expect(checks.length).toBeGreaterThanOrEqual(1);
  expect(checks.every((r) => r.status === 200)).toBe(true);
  for (const page of pages) {
    expect(await page.evaluate(() => (window as BusyWindow).twCalls?.every((outcome) => outcome === 200))).toBe(true);
    expect((await waitForState(page, 'authenticated')).expiresAt).toBeGreaterThan(Date.now());
    expect((await eventsOf(page)).filter((line) => line.startsWith('logout') || line.startsWith('error'))).toEqual([]);
  }
  const refreshes = await Promise.all(pages.map(async (page) => (await eventsOf(page)).filter((line) => line.startsWith('refresh'))));
  expect(refreshes.flat().sort()).toEqual(['refresh:other-tab', 'refresh:other-tab', 'refresh:this-tab']);
  for (const list of errors) expect(list).toEqual([]);
  return { stats, before: before! };
}

const needsDebugger = exceptIn({
  firefox: 'pausing every script of a tab takes the DevTools protocol (Debugger.enable and a debugger statement)',
  webkit: 'pausing every script of a tab takes the DevTools protocol (Debugger.enable and a debugger statement)',
});

describe('a device that sleeps past the token and the session check (real Chromium, several tabs)', () => {
  needsDebugger('asleep between calls: wakes to one refresh for the browser, no 401 and the same signed-in state in every tab', async () => {
    const { stats } = await sleepPastExpiry(['between-calls', 'between-calls', 'between-calls']);
    expect(stats.api401s).toBe(0);
  });

  needsDebugger('asleep inside a call: that call leaves with the old token, gets the one 401, and its retry is answered with the new token', async () => {
    const { stats, before } = await sleepPastExpiry(['mid-call', 'between-calls', 'between-calls']);
    expect(stats.api401s).toBe(1);
    const refused = stats.requests.filter((r) => r.status === 401);
    expect(refused.map((r) => [r.path, r.headers.authorization])).toEqual([['/api/me', `Bearer ${fingerprint(before)}`]]);
  });
});
