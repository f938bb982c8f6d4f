// The session engine in Node: failed background refreshes back off exponentially, within the
// cap and within the bound on Retry-After, until the server answers or ends the session.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json, TTL } from './fake-server.js';
import { record, useHub } from './hub.js';

vi.mock('../../../src/storage/open.js', async () => ({ openVault: (await import('./browser.js')).browser.openVault }));
vi.mock('../../../src/sync/channel.js', async () => ({ openSyncChannel: (await import('./browser.js')).browser.openSyncChannel }));

const hub = useHub();
const LEEWAY = 30_000;

/** Time differences between consecutive entries. */
const gaps = (times: number[]): number[] => times.slice(1).map((time, i) => time - times[i]!);

describe('backoff', () => {
  beforeEach(() => {
    // Full jitter draws from [0, ceiling): at 0.5 every wait is half its ceiling, exactly.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });

  it('retries failed refreshes after 1, 2, 4 … times base, never longer than cap, keeping the session', async () => {
    const tab = await hub.signedInTab({ backoff: { base: 1_000, cap: 8_000 } });
    const expiresAt = tab.getState().expiresAt!;
    for (let i = 0; i < 30; i++) hub.server.next('/auth/refresh', () => json(500, {}));
    const expired = record(tab, 'expired');

    await vi.advanceTimersByTimeAsync(TTL * 1000 + 10_000);
    const attempts = hub.server.arrivals('/auth/refresh');
    // The first attempt is due `leeway` before expiry, less the jitter (half of 2 s here).
    expect(attempts[0]).toBe(expiresAt - LEEWAY - 1_000);
    expect(gaps(attempts)).toEqual([500, 1_000, 2_000, ...Array<number>(attempts.length - 4).fill(4_000)]);
    expect(attempts.length).toBeGreaterThan(10);
    expect(tab.getState()).toMatchObject({ status: 'authenticated', error: { code: 'server' } });
    // The token ran out while failing: said once, however many attempts fail after it.
    expect(expired).toEqual([{ expiresAt }]);
  });

  it('starts from base again once a refresh succeeds', async () => {
    const tab = await hub.signedInTab({ backoff: { base: 1_000, cap: 8_000 } });
    for (let i = 0; i < 3; i++) hub.server.next('/auth/refresh', () => json(500, {}));
    await vi.advanceTimersByTimeAsync(TTL * 1000);
    const recovered = hub.server.arrivals('/auth/refresh').length;
    expect(recovered).toBe(4);
    expect(tab.getState().error).toBeNull();

    hub.server.next('/auth/refresh', () => json(500, {}));
    await vi.advanceTimersByTimeAsync(TTL * 1000);
    expect(gaps(hub.server.arrivals('/auth/refresh').slice(recovered))[0]).toBe(500);
  });

  it("waits as long as the server's Retry-After asks, up to 10 minutes", async () => {
    const tab = await hub.signedInTab();
    hub.server.next('/auth/refresh', () => json(429, {}, { 'retry-after': '45' }));
    hub.server.next('/auth/refresh', () => json(429, {}, { 'retry-after': '86400' }));
    await tab.refresh().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(45_000);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(gaps(hub.server.arrivals('/auth/refresh'))).toEqual([45_000, 10 * 60_000]);
    expect(tab.getState()).toMatchObject({ status: 'authenticated', error: null });
  });

  it('ends the session with reason "expired" when the server refuses after the token ran out', async () => {
    const tab = await hub.signedInTab();
    const logouts = record(tab, 'logout');
    for (let i = 0; i < 8; i++) hub.server.next('/auth/refresh', () => json(503, {}));
    hub.server.next('/auth/refresh', () => json(400, { error: 'invalid_grant' }));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(tab.getState().status).toBe('unauthenticated');
    expect(logouts).toEqual([{ reason: 'expired' }]);
    expect(hub.server.arrivals('/auth/refresh')).toHaveLength(9);
  });
});
