// The session engine in Node: dispose() stops everything the session started.
import { describe, expect, it, vi } from 'vitest';
import { idleTimeout } from '../../../src/index.js';
import { TTL } from './fake-server.js';
import { useHub } from './hub.js';

vi.mock('../../../src/storage/open.js', async () => ({ openVault: (await import('./browser.js')).browser.openVault }));
vi.mock('../../../src/sync/channel.js', async () => ({ openSyncChannel: (await import('./browser.js')).browser.openSyncChannel }));

const hub = useHub();

describe('dispose', () => {
  it('leaves no timer behind and never calls the server again', async () => {
    const tab = await hub.signedInTab({ idleTimeout: idleTimeout(600) });
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    tab.dispose();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * TTL * 1000);
    expect(hub.server.arrivals('/auth/refresh')).toEqual([]);
    expect(tab.getState().status).toBe('authenticated');
  });

  it('aborts a refresh in flight, and every later call rejects with "disposed"', async () => {
    const tab = await hub.signedInTab();
    const held = hub.server.hold('/auth/refresh');
    const refreshed = tab.refresh();
    await held.arrived;
    tab.dispose();
    await held.aborted;
    await expect(refreshed).rejects.toMatchObject({ code: 'disposed' });
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'disposed' });
    await expect(tab.login({})).rejects.toMatchObject({ code: 'disposed' });
    await expect(tab.logout()).rejects.toMatchObject({ code: 'disposed' });
    await vi.advanceTimersByTimeAsync(10 * TTL * 1000);
    expect(hub.server.arrivals('/auth/refresh')).toHaveLength(1);
  });
});
