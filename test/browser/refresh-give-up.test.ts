// Issue 24, point 4: no endless retry. A refresh answered with something that is not a token
// response (here the reference server's HTML page, as a captive portal sends) is retried with
// backoff for a bounded run (`backoff.attempts` tries and `backoff.giveUpAfter` ms, by default 5
// and 2 minutes; shortened here), then the session ends as `refresh-failed` after an `error`
// event with the last error. A portal that goes away within the bound costs nothing.
// Real Chromium against the reference server and its failure switches.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SessionOptions } from '../../src/index.ts';
import { trackErrors } from './harness/browser.ts';
import { eventsOf, login, startSessions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

const h = useBrowserSuite({ server: { accessTokenTtl: 30, controls: true } });

async function signedInTab(backoff: SessionOptions['backoff']): Promise<Page> {
  const [page] = await h.newTabs(1);
  await startSessions([page!], { backoff });
  await login(page!);
  h.server.control.reset();
  return page!;
}

describe('refreshes answered with an HTML page', () => {
  it('are retried with backoff, and a portal gone within the bound loses nothing', async () => {
    const page = await signedInTab({ base: 50, cap: 200, attempts: 5, giveUpAfter: 60_000 });
    const errors = trackErrors(page);
    h.server.control.failRefresh(3, 'html');
    const outcome = await page.evaluate(async () => {
      const refreshed = new Promise<void>((resolve) => window.session.on('refresh', () => resolve()));
      const first = await window.session.refresh().then(
        () => 'resolved',
        (error: { code: string }) => error.code,
      );
      await refreshed; // the fourth try, on the backoff timer
      const api = await window.session.http.get('/api/me').then((r) => r.status);
      return { first, api, status: window.session.getState().status, error: window.session.getState().error };
    });
    expect(outcome).toEqual({ first: 'invalid_response', api: 200, status: 'authenticated', error: null });
    expect(await eventsOf(page)).toEqual(['login:this-tab', 'error:invalid_response', 'error:invalid_response', 'error:invalid_response', 'refresh:this-tab']);
    expect(h.server.control.stats()).toMatchObject({ refreshCalls: 4, rotations: 1, reuseDetections: 0 });
    expect(errors).toEqual([]);
  });

  it('past the bound end the session as refresh-failed, the last error reported first', async () => {
    const page = await signedInTab({ base: 50, cap: 100, attempts: 3, giveUpAfter: 300 });
    h.server.control.failRefresh(1000, 'html');
    const outcome = await page.evaluate(async () => {
      const ended = new Promise<string>((resolve) => window.session.on('logout', ({ reason }) => resolve(reason)));
      await window.session.refresh().catch(() => undefined);
      const reason = await ended;
      return { reason, status: window.session.getState().status, token: await window.session.getAccessToken() };
    });
    expect(outcome).toEqual({ reason: 'refresh-failed', status: 'unauthenticated', token: null });
    const events = await eventsOf(page);
    expect(events.slice(-2)).toEqual(['error:invalid_response', 'logout:refresh-failed']);
    const tries = events.filter((event) => event === 'error:invalid_response').length;
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(h.server.control.stats()).toMatchObject({ refreshCalls: tries, rotations: 0 });
  });
});
