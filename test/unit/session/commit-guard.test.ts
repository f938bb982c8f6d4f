// The session engine in Node: a refresh that completes after the session ended is dropped, by
// the tab itself and, when the tab never heard of the logout, by the vault.
import { describe, expect, it, vi } from 'vitest';
import { browser } from './browser.js';
import { record, settle, useHub } from './hub.js';

vi.mock('../../../src/storage/open.js', async () => ({ openVault: (await import('./browser.js')).browser.openVault }));
vi.mock('../../../src/sync/channel.js', async () => ({ openSyncChannel: (await import('./browser.js')).browser.openSyncChannel }));

const hub = useHub();

describe('commit guard', () => {
  it('drops a refresh answered after a logout in the same tab', async () => {
    const tab = await hub.signedInTab();
    const refreshes = record(tab, 'refresh');
    const held = hub.server.hold('/auth/refresh');
    const refreshed = tab.refresh();
    await held.arrived;
    await tab.logout();
    held.release();
    await expect(refreshed).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(tab.getState().status).toBe('unauthenticated');
    expect(await tab.getAccessToken()).toBeNull();
    expect((await browser.stored())?.tokens).toBeNull();
    expect(refreshes).toEqual([]);
  });

  it('drops a refresh answered after another tab logged out, even when the message was lost', async () => {
    const a = await hub.signedInTab();
    const b = hub.openTab();
    await b.ready;
    const held = hub.server.hold('/auth/refresh');
    const refreshed = a.refresh();
    await held.arrived;
    browser.loseMessages();
    await b.logout();
    expect(a.getState().status).toBe('authenticated');

    held.release();
    await expect(refreshed).rejects.toMatchObject({ code: 'unauthenticated' });
    await settle();
    // The vault refused the write, and A followed what it holds.
    expect((await browser.stored())?.tokens).toBeNull();
    expect(a.getState().status).toBe('unauthenticated');
    expect(await a.getAccessToken()).toBeNull();
  });
});
