// The refresh journal (issue 24, point 1): before a refresh leaves, the vault notes which tokens
// it presents and when (`sent`, in the record of the same generation). A page that comes back and
// finds the note may have missed an answer the server already rotated for, so it refreshes at once,
// within the server's reuse grace window, instead of trusting the stored access token until it is
// due. Tabs share one vault and channel (session/browser.ts); the clock is fake.
import { describe, expect, it, vi } from 'vitest';
import { browser } from './session/browser.js';
import { TTL } from './session/fake-server.js';
import { record, settle, useHub } from './session/hub.js';

vi.mock('../../src/storage/open.js', async () => ({ openVault: (await import('./session/browser.js')).browser.openVault }));
vi.mock('../../src/sync/channel.js', async () => ({ openSyncChannel: (await import('./session/browser.js')).browser.openSyncChannel }));

const hub = useHub();

describe('the refresh journal', () => {
  it('is written, with the tokens that go out and their generation, before the refresh leaves', async () => {
    const tab = await hub.signedInTab();
    const before = await browser.stored();
    expect(before?.tokens?.sent).toBeUndefined();
    const held = hub.server.hold('/auth/refresh');
    const refreshed = tab.refresh();
    await held.arrived;
    const journaled = await browser.stored();
    expect(journaled).toMatchObject({ generation: before?.generation, tokens: { ...before?.tokens, sent: Date.now() } });
    held.release();
    await refreshed;
    // The answer replaces the record: nothing is on the wire any more.
    const after = await browser.stored();
    expect(after?.generation).toBe(before?.generation);
    expect(after?.tokens).not.toHaveProperty('sent');
    expect(after?.tokens?.accessToken).toBe(await tab.getAccessToken());
  });

  it('makes a page that comes back refresh at once, before ready, though the stored token is still valid', async () => {
    const gone = await hub.signedInTab();
    const held = hub.server.hold('/auth/refresh');
    void gone.refresh().catch(() => undefined);
    await held.arrived;
    // The page is reloaded while its refresh is on the wire: it never sees the answer.
    gone.dispose();
    held.release();
    const stored = (await browser.stored())!.tokens!;
    expect(Date.now()).toBeLessThan(stored.expiresAt);

    const tab = hub.openTab();
    const refreshes = record(tab, 'refresh');
    await tab.ready;
    expect(hub.server.arrivals('/auth/refresh')).toEqual([Date.now(), Date.now()]);
    expect(tab.getState()).toMatchObject({ status: 'authenticated', expiresAt: Date.now() + TTL * 1000, error: null });
    expect(await tab.getAccessToken()).not.toBe(stored.accessToken);
    expect(refreshes).toEqual([expect.objectContaining({ source: 'this-tab' })]);
    expect((await browser.stored())?.tokens).not.toHaveProperty('sent');
  });

  it('is not news to a tab that holds the same tokens: it waits for the refresh instead of sending another', async () => {
    const first = await hub.signedInTab();
    const second = hub.openTab();
    await second.ready;
    const held = hub.server.hold('/auth/refresh');
    const refreshed = first.refresh();
    await held.arrived;
    await settle();
    expect(second.getState().status).toBe('authenticated');
    await vi.advanceTimersByTimeAsync(100); // the answer is some time on the wire
    held.release();
    await refreshed;
    await settle();
    expect(hub.server.arrivals('/auth/refresh')).toHaveLength(1);
    expect(await second.getAccessToken()).toBe(await first.getAccessToken());
  });

  it('without a journal, a page that comes back trusts the stored token until it is due', async () => {
    const closed = await hub.signedInTab();
    closed.dispose();
    const tab = hub.openTab();
    await tab.ready;
    expect(hub.server.arrivals('/auth/refresh')).toEqual([]);
    expect(tab.getState().status).toBe('authenticated');
  });
});
