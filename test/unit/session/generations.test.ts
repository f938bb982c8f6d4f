// The session engine in Node: generations across login, logout and failed logins, in tabs that
// share a vault and a channel (see browser.ts).
import { describe, expect, it, vi } from 'vitest';
import { TokenwardError } from '../../../src/index.js';
import { json, PASSWORD } from './fake-server.js';
import { browser } from './browser.js';
import { record, settle, useHub } from './hub.js';

vi.mock('../../../src/storage/open.js', async () => ({ openVault: (await import('./browser.js')).browser.openVault }));
vi.mock('../../../src/sync/channel.js', async () => ({ openSyncChannel: (await import('./browser.js')).browser.openSyncChannel }));

const hub = useHub();

describe('generations', () => {
  it('a login in one tab reaches the other, and a logout in either ends both', async () => {
    const a = hub.openTab();
    const b = hub.openTab();
    await Promise.all([a.ready, b.ready]);
    const bLogins = record(b, 'login');
    const aLogouts = record(a, 'logout');

    await a.login({ username: 'alice', password: PASSWORD });
    await settle();
    expect(b.getState().status).toBe('authenticated');
    expect(bLogins).toEqual([expect.objectContaining({ source: 'other-tab' })]);
    expect(await b.getAccessToken()).toBe(await a.getAccessToken());

    await b.logout();
    await settle();
    expect(a.getState().status).toBe('unauthenticated');
    expect(aLogouts).toEqual([{ reason: 'other-tab' }]);
    expect(await a.getAccessToken()).toBeNull();
    expect(await browser.stored()).toEqual({ generation: expect.any(Number) as number, tokens: null });
  });

  it('failed logins (wrong password, 500, network error) leave a tab following the other tabs', async () => {
    const a = await hub.signedInTab();
    const b = hub.openTab();
    await b.ready;
    expect(b.getState().status).toBe('authenticated');

    await expect(b.login({ username: 'alice', password: 'wrong' })).rejects.toMatchObject({ code: 'login_failed' });
    hub.server.next('/auth/login', () => json(500, {}));
    await expect(b.login({ username: 'alice', password: PASSWORD })).rejects.toMatchObject({ code: 'server' });
    hub.server.next('/auth/login', () => Promise.reject(new TypeError('fetch failed')));
    await expect(b.login({ username: 'alice', password: PASSWORD })).rejects.toMatchObject({ code: 'network' });

    await a.logout();
    await settle();
    expect(b.getState().status).toBe('unauthenticated');
    expect(await b.getAccessToken()).toBeNull();
    // Nothing B does afterwards brings the session back.
    await expect(b.refresh()).rejects.toMatchObject({ code: 'unauthenticated' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect((await browser.stored())?.tokens).toBeNull();
    expect(hub.server.arrivals('/auth/refresh')).toEqual([]);

    // And it follows the next login too.
    await a.login({ username: 'alice', password: PASSWORD });
    await settle();
    expect(b.getState().status).toBe('authenticated');
    expect(await b.getAccessToken()).toBe(await a.getAccessToken());
  });

  it('a failed login leaves a signed-out tab signed out, and the next login works', async () => {
    const tab = hub.openTab();
    await tab.ready;
    const error = await tab.login({ username: 'alice', password: 'wrong' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TokenwardError);
    expect(tab.getState().status).toBe('unauthenticated');
    expect((await browser.stored())?.tokens ?? null).toBeNull();

    await tab.login({ username: 'alice', password: PASSWORD });
    expect(tab.getState().status).toBe('authenticated');
    expect((await browser.stored())?.tokens?.accessToken).toBe(await tab.getAccessToken());
  });

  it('a page load after a logout stays signed out', async () => {
    const tab = await hub.signedInTab();
    await tab.logout();
    const reloaded = hub.openTab();
    await reloaded.ready;
    expect(reloaded.getState().status).toBe('unauthenticated');
    expect(hub.server.arrivals('/auth/refresh')).toEqual([]);
  });
});
