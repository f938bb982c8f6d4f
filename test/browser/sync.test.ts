// Every tab in step, in real Chromium with several tabs of one profile, against the strictly
// rotating reference server (a refresh token presented twice revokes its family).
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { exceptIn } from './harness/engine.ts';
import { callApiFor, eventsOf, loggedOut, expectOneRefreshPerRotation, login, serverLoggedOut, startSessions as start } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({ server: { accessTokenTtl: 2, controls: true } });

describe('cross-tab sync (real Chromium, several tabs)', () => {
  it('signs every tab in when one tab logs in, without a login or refresh call in the others', async () => {
    const pages = await h.newTabs(4);
    await start(pages);
    await login(pages[0]!);
    for (const page of pages.slice(1)) {
      const state = await waitForState(page, 'authenticated');
      expect(state.claims?.sub).toBe('alice');
      expect(await eventsOf(page)).toEqual(['login:other-tab']);
    }
    const stats = h.server.control.stats();
    expect(stats.loginCalls).toBe(1);
    expect(stats.refreshCalls).toBe(0);
    // Every tab holds the same token, read from the vault, not fetched.
    const tokens = await Promise.all(pages.map((page) => page.evaluate(() => window.session.getAccessToken())));
    expect(new Set(tokens).size).toBe(1);
  });

  it('gives every tab the new token when one tab refreshes, without a network call in the others', async () => {
    const pages = await h.newTabs(3);
    await start(pages);
    await login(pages[0]!);
    await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
    h.server.control.reset();
    const before = await pages[2]!.evaluate(() => window.session.getAccessToken());
    await pages[1]!.evaluate(() => window.session.refresh());
    const fresh = await pages[1]!.evaluate(() => window.session.getAccessToken());
    expect(fresh).not.toBe(before);
    for (const page of [pages[0]!, pages[2]!]) {
      await expect.poll(() => page.evaluate(() => window.session.getAccessToken())).toBe(fresh);
      expect(await eventsOf(page)).toContain('refresh:other-tab');
    }
    expect(h.server.control.stats().refreshCalls).toBe(1);
  });

  it('keeps 8 busy tabs signed in over 5+ token lifetimes with one refresh per rotation and no reuse', async () => {
    const pages = await h.newTabs(8);
    const errors = pages.map((page) => trackErrors(page));
    await start(pages);
    await login(pages[0]!);
    await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
    h.server.control.reset();
    const results = await callApiFor(pages, '/api/me', 11_000);
    const stats = h.server.control.stats();
    expectOneRefreshPerRotation(results, stats);
    expect(stats.rotations).toBeLessThanOrEqual(14);
    for (const page of pages) expect((await eventsOf(page)).filter((line) => line.startsWith('logout'))).toEqual([]);
    for (const list of errors) expect(list).toEqual([]);
  });

  it('signs every tab out at once when any tab logs out', async () => {
    const pages = await h.newTabs(4);
    await start(pages);
    await login(pages[0]!);
    await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
    await pages[2]!.evaluate(() => window.session.logout());
    for (const [index, page] of pages.entries()) {
      const events = await loggedOut(page);
      expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
      expect(await page.evaluate(() => window.session.getAccessToken())).toBeNull();
      const reason = index === 2 ? 'user' : 'other-tab';
      expect(events.filter((line) => line.startsWith('logout'))).toEqual([`logout:${reason}`]);
    }
    await serverLoggedOut(h.server);
    expect(h.server.control.stats().logoutCalls).toBe(1);
  });

  it('lets another tab finish the next refresh when the tab holding the lock closes mid-refresh', async () => {
    const [holder, other] = await h.newTabs(2);
    await start([holder!, other!]);
    await login(holder!);
    await waitForState(other!, 'authenticated');
    h.server.control.reset();
    h.server.control.delayRefresh(5_000);
    // This evaluate never returns: the tab is closed under it.
    const abandoned = holder!.evaluate(() => window.session.refresh()).catch(() => 'tab closed');
    // Wait until the holder's refresh reached the server, then close the tab under it.
    await expect.poll(() => h.server.control.stats().refreshCalls, { interval: 20 }).toBe(1);
    await holder!.close();
    expect(await abandoned).toBe('tab closed');
    h.server.control.delayRefresh(0);
    const outcome = await other!.evaluate(async () => {
      await window.session.refresh();
      return window.session.getState().status;
    });
    expect(outcome).toBe('authenticated');
    const stats = h.server.control.stats();
    expect(stats.reuseDetections).toBe(0);
    expect(stats.rotations).toBe(1);
  });

  it('keeps every tab alive while one tab is active, and logs all out with reason idle after silence', async () => {
    const pages = await h.newTabs(3);
    await start(pages, { idleTimeout: [3, { warning: 1 }] });
    await login(pages[0]!);
    await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
    // Activity in tab 3 only, for longer than the idle timeout.
    const active = pages[2]!;
    const until = Date.now() + 4_500;
    for (let x = 0; Date.now() < until; x = (x + 7) % 200) {
      await active.mouse.move(10 + x, 10 + x);
      await active.waitForTimeout(200);
    }
    for (const page of pages) expect(await page.evaluate(() => window.session.getState().status)).toBe('authenticated');
    // Junk on the activity channel (an hour ahead would switch the timeout off, a string is no time) changes nothing.
    await active.evaluate(() => window.twTest.postOnChannel('tokenward:activity', [Date.now() + 3_600_000, 'now', null, { at: Date.now() }]));
    // Silence: every tab warns, then logs out as idle.
    for (const page of pages) {
      await waitForState(page, 'unauthenticated', { timeout: 8_000 });
      // The state changes at once; `logout` is emitted once the tab is clean (purge done).
      const log = () => eventsOf(page).then((lines) => lines.filter((line) => /^(idle-warning|logout)/.test(line)));
      await expect.poll(async () => (await log()).at(-1)).toBe('logout:idle');
      expect((await log())[0]).toBe('idle-warning');
    }
  });

  it('releases the lock when a session is disposed mid-refresh (StrictMode double mount, hot reload)', async () => {
    const [first, second] = await h.newTabs(2);
    await start([first!, second!]);
    await login(first!);
    await waitForState(second!, 'authenticated');
    h.server.control.reset();
    h.server.control.delayRefresh(5_000);
    const disposed = await first!.evaluate(async () => {
      const pending = window.session.refresh().then(
        () => 'resolved',
        (error: { code: string }) => error.code,
      );
      // Let the refresh take the lock and reach the server, then unmount.
      while (!window.session.getState().refreshing) await new Promise((resolve) => setTimeout(resolve, 10));
      window.session.dispose();
      return pending;
    });
    expect(disposed).toBe('disposed');
    h.server.control.delayRefresh(0);
    const status = await second!.evaluate(async () => {
      await window.session.refresh();
      return window.session.getState().status;
    });
    expect(status).toBe('authenticated');
    expect(h.server.control.stats().reuseDetections).toBe(0);
  });

  exceptIn({
    firefox: 'Page Lifecycle freeze/resume is Chromium-only, and freezing a tab needs its CDP',
    webkit: 'Page Lifecycle freeze/resume is Chromium-only, and freezing a tab needs its CDP',
  })('brings a frozen tab in step when it resumes: a logout that happened meanwhile ends it there too', async () => {
    const [active, sleeper] = await h.newTabs(2);
    await start([active!, sleeper!]);
    await login(active!);
    await waitForState(sleeper!, 'authenticated');
    const cdp = await (await h.context()).newCDPSession(sleeper!);
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await active!.evaluate(() => window.session.logout());
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await waitForState(sleeper!, 'unauthenticated');
    expect(await sleeper!.evaluate(() => window.session.getAccessToken())).toBeNull();
  });
});
