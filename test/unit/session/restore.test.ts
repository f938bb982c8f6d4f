// The session engine in Node: restoring a stored session whose token expired while the app was
// closed (tabs share a vault, see browser.ts).
import { describe, expect, it, vi } from 'vitest';
import { json, TTL } from './fake-server.js';
import { browser } from './browser.js';
import { record, useHub } from './hub.js';

vi.mock('../../../src/storage/open.js', async () => ({ openVault: (await import('./browser.js')).browser.openVault }));
vi.mock('../../../src/sync/channel.js', async () => ({ openSyncChannel: (await import('./browser.js')).browser.openSyncChannel }));

const hub = useHub();

/** A session stored by a tab that was then closed, and a clock moved on past its expiry. */
async function expiredWhileClosed(): Promise<void> {
  const closed = await hub.signedInTab();
  closed.dispose();
  await vi.advanceTimersByTimeAsync(2 * TTL * 1000);
}

describe('restore with an expired token', () => {
  it('refreshes once before ready and comes up signed in with the new token', async () => {
    await expiredWhileClosed();
    const tab = hub.openTab();
    await tab.ready;
    expect(hub.server.arrivals('/auth/refresh')).toEqual([Date.now()]);
    expect(tab.getState()).toMatchObject({ status: 'authenticated', expiresAt: Date.now() + TTL * 1000, error: null });
    expect(await tab.getAccessToken()).toBe((await browser.stored())?.tokens?.accessToken);
    expect(hub.server.arrivals('/auth/refresh')).toHaveLength(1);
  });

  it('comes up signed out when the server refuses that refresh, and stores the signed-out marker', async () => {
    await expiredWhileClosed();
    hub.server.next('/auth/refresh', () => json(401, { error: 'invalid_grant' }));
    const tab = hub.openTab();
    await tab.ready;
    expect(tab.getState().status).toBe('unauthenticated');
    expect(await tab.getAccessToken()).toBeNull();
    expect((await browser.stored())?.tokens).toBeNull();
  });

  it('keeps the session through a transient failure, reports it, and recovers on the retry', async () => {
    await expiredWhileClosed();
    hub.server.next('/auth/refresh', () => json(503, {}));
    const tab = hub.openTab();
    const errors = record(tab, 'error');
    await tab.ready;
    expect(tab.getState()).toMatchObject({ status: 'authenticated', error: { code: 'server' } });
    expect(errors).toEqual([{ error: expect.objectContaining({ code: 'server', status: 503 }) as unknown }]);
    // Backing off with an expired token: answers at once with the failure rather than call again.
    await expect(tab.getAccessToken()).rejects.toMatchObject({ code: 'server' });
    expect(hub.server.arrivals('/auth/refresh')).toHaveLength(1);

    // The first retry comes within `backoff.base` (full jitter).
    await vi.advanceTimersByTimeAsync(1_000);
    expect(hub.server.arrivals('/auth/refresh')).toHaveLength(2);
    expect(tab.getState()).toMatchObject({ status: 'authenticated', error: null });
    expect(await tab.getAccessToken()).toBe((await browser.stored())?.tokens?.accessToken);
  });
});
