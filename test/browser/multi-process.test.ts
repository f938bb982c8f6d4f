// The reference server on two processes sharing one Redis, behind a round-robin proxy: the
// browser sees one origin, and its refreshes alternate between the processes. Rotation,
// reuse detection, logout and the session check must hold whichever process answers.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { useClusterSuite, type ServerProcess } from './harness/cluster.ts';
import { devicesSeenFrom, outTimes, postFrom, signedInDevice } from './harness/devices.ts';
import { eventsOf, loggedOut, login, startSessions } from './harness/sessions.ts';

const c = useClusterSuite(2, { accessTokenTtl: 2 });

/** What the browser would send to /auth/* (the refresh cookie's path), with `replace` swapped in. */
const authCookies = (context: BrowserContext) => context.cookies(`${c.proxy.url}/auth/refresh`);

async function cookieHeader(context: BrowserContext, replace: Record<string, string> = {}): Promise<string> {
  const cookies = await authCookies(context);
  return cookies.map(({ name, value }) => `${name}=${replace[name] ?? value}`).join('; ');
}

async function cookieValue(context: BrowserContext, name: string): Promise<string> {
  const cookie = (await authCookies(context)).find((entry) => entry.name === name);
  if (!cookie) throw new Error(`no ${name} cookie`);
  return cookie.value;
}

/** The process that answered the latest request to `path` through the proxy. */
function lastServed(path: string): number {
  const entry = c.proxy.served.findLast((served) => served.path === path);
  if (!entry) throw new Error(`nothing served at ${path}`);
  return entry.backend;
}

async function signedInTab(): Promise<Page> {
  const [page] = await c.newTabs(1);
  await startSessions([page!]);
  await login(page!);
  return page!;
}

/** A session check sent straight to one process, with the given credentials. */
async function sessionCheck(process: ServerProcess, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${process.url}/auth/session`, { headers });
  return { status: res.status, body: await res.json() };
}

describe('two reference-server processes sharing one Redis (real Chromium, one origin)', () => {
  it('keeps 8 busy tabs signed in over 5 token lifetimes with one refresh per rotation and no reuse', async () => {
    const pages = await c.newTabs(8);
    const errors = pages.map((page) => trackErrors(page));
    await startSessions(pages);
    await login(pages[0]!);
    await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
    await Promise.all(c.processes.map((p) => p.control('reset')));
    const servedBefore = c.proxy.served.length;
    const results = await Promise.all(
      pages.map((page) =>
        page.evaluate(async () => {
          const failed: string[] = [];
          const end = Date.now() + 11_000;
          while (Date.now() < end) {
            const status = await window.session.fetch('/api/me').then(
              (r) => r.status,
              (e: unknown) => String(e),
            );
            if (status !== 200) failed.push(String(status));
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return { failed, status: window.session.getState().status };
        }),
      ),
    );
    const counters = await c.counters();
    const refreshedBy = new Set(
      c.proxy.served
        .slice(servedBefore)
        .filter((s) => s.path === '/auth/refresh')
        .map((s) => s.backend),
    );
    console.log(
      `two processes, 8 tabs, 11 s: ${counters.refreshCalls} refresh calls for ${counters.rotations} rotations, ${counters.reuseDetections} reuse detections`,
    );
    for (const result of results) expect(result).toEqual({ failed: [], status: 'authenticated' });
    expect(refreshedBy).toEqual(new Set([0, 1])); // both processes rotated this family
    expect(counters.reuseDetections).toBe(0);
    expect(counters.rotations).toBeGreaterThanOrEqual(5);
    // One refresh per rotation, never one per tab (+1: a timer's refresh may be in flight as the counters are read).
    expect(counters.refreshCalls).toBeLessThanOrEqual(counters.rotations + 1);
    for (const page of pages) expect((await eventsOf(page)).filter((line) => line.startsWith('logout'))).toEqual([]);
    for (const list of errors) expect(list).toEqual([]);
  });

  it('revokes the family when a used refresh token is replayed to the other process', async () => {
    const page = await signedInTab();
    const context = await c.context();
    const used = await cookieValue(context, 'tw_refresh');
    await page.evaluate(() => window.session.refresh());
    const rotatedBy = lastServed('/auth/refresh');
    const other = c.processes[1 - rotatedBy]!;
    await other.control('reset');

    // A copy of the cookie alone (a thief's): the browser's own session would be within the grace window.
    const replay = await fetch(`${other.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `tw_refresh=${used}; XSRF-TOKEN=x`, 'x-xsrf-token': 'x' },
    });
    expect(replay.status).toBe(401);
    expect((await other.stats()).reuseDetections).toBe(1);

    // The family is dead on both processes: the tab's current token no longer refreshes, and it signs out.
    const outcome = await page.evaluate(() =>
      window.session.refresh().then(
        () => 'refreshed',
        (e: { code: string }) => e.code,
      ),
    );
    expect(outcome).not.toBe('refreshed');
    expect(await loggedOut(page)).toContain('logout:refresh-rejected');
    expect(await page.evaluate(() => window.session.getState().status)).toBe('unauthenticated');
  });

  it('ends the session for the other process when one process logs it out', async () => {
    const page = await signedInTab();
    const context = await c.context();
    const access = await page.evaluate(() => window.session.getAccessToken());
    const credentials = { cookie: await cookieHeader(context) };
    for (const p of c.processes) expect((await sessionCheck(p, credentials)).body).toMatchObject({ active: true });

    const before = c.proxy.served.length;
    await page.evaluate(() => window.session.logout());
    await expect.poll(() => c.proxy.served.slice(before).find((s) => s.path === '/auth/logout')?.status).toBe(204);
    const other = c.processes[1 - lastServed('/auth/logout')]!;
    expect(await sessionCheck(other, credentials)).toEqual({ status: 401, body: { active: false } });
    expect(await sessionCheck(other, { authorization: `Bearer ${access}` })).toEqual({ status: 401, body: { active: false } });
  });

  it('signs a device out through its session check when another device signs out everywhere, whichever process answers', async () => {
    // Tokens that outlive the test: the session check, not a failed refresh, must notice.
    await Promise.all(c.processes.map((p) => p.control('ttl', { seconds: 600 })));
    const a = await signedInDevice(await c.newContext(), c.pageUrl, 1, {});
    const b = await signedInDevice(await c.newContext(), c.pageUrl, 2, { sessionCheck: { interval: 1 } });
    // A lists B's device (one list in Redis, whichever process answers).
    const bDevice = (await devicesSeenFrom(b.tabs[0]!)).find((device) => device.current);
    expect((await devicesSeenFrom(a.tabs[0]!)).find((device) => device.id === bDevice?.id)).toMatchObject({ current: false });
    // B's checks alternate between the processes: both say "alive" before the revocation.
    const checkedBy = () => new Set(c.proxy.served.filter((s) => s.path === '/auth/session' && s.status === 200).map((s) => s.backend));
    await expect.poll(checkedBy, { timeout: 5_000 }).toEqual(new Set([0, 1]));
    await postFrom(a.tabs[0]!, '/auth/logout-all');
    await outTimes(b.tabs);
    for (const tab of b.tabs) expect((await eventsOf(tab)).filter((line) => line.startsWith('logout'))).toEqual(['logout:revoked']);
  });

  // Last: it kills a process.
  it('loses nothing the client needs when a process is killed mid-refresh: the next refresh on the survivor works', async () => {
    const page = await signedInTab();
    const [victim, survivor] = c.processes as [ServerProcess, ServerProcess];
    await Promise.all([victim.control('reset'), survivor.control('reset')]);
    c.proxy.nextTo('/auth/refresh', 0);
    await victim.control('delay-refresh', { ms: 10_000 });

    const cut = page.evaluate(() =>
      window.session.refresh().then(
        () => 'refreshed',
        (e: { code: string }) => e.code,
      ),
    );
    await expect.poll(async () => (await victim.stats()).refreshCalls, { interval: 20 }).toBe(1);
    await victim.kill();
    expect(await cut).not.toBe('refreshed'); // the proxy answered 502: the refresh failed, transiently

    const next = await page.evaluate(async () => {
      await window.session.refresh();
      return { status: window.session.getState().status, api: (await window.session.fetch('/api/me')).status };
    });
    expect(next).toEqual({ status: 'authenticated', api: 200 });
    expect(lastServed('/auth/refresh')).toBe(1);
    const counters = await c.counters([survivor]);
    expect(counters).toMatchObject({ rotations: 1, reuseDetections: 0 });
  });
});
