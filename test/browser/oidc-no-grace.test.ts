// The OIDC flow against a provider without a reuse grace window (issue 24): oidc-provider rotates
// every refresh token and has no setting for a grace window. A page reloaded while its refresh is
// held at the provider, after the provider rotated, never stores the new refresh token; the vault
// still holds the old one and the journal says it went out, so the page replays it at once, which
// the provider refuses as reuse, ending its grant. What the
// docs (docs/oidc/index.md) say happens, tested as it is: the session ends in every tab with
// reason `refresh-rejected` and the user signs in again.
import { describe, expect, it } from 'vitest';
import { waitForState } from './harness/browser.ts';
import { signIn, useOidcSuite } from './harness/oidc.ts';
import { eventsOf } from './harness/sessions.ts';

// Tokens that stay fresh for the whole test: only the refreshes the test asks for happen.
const h = useOidcSuite({ accessTokenTtl: 60 });

describe('tokenward/oidc with a provider that has no reuse grace window (real Chromium, oidc-provider)', () => {
  it('a reload while a refresh is held at the provider ends the session in every tab (refresh-rejected where it was shown): the user signs in again', async () => {
    const [page, other] = await h.oidcTabs(2);
    await h.start([page!]);
    await signIn(page!, h);
    await h.start([other!]);
    await waitForState(other!, 'authenticated');
    const ours = h.provider.refreshTokens();
    h.provider.resetStats();

    h.provider.holdRefreshAnswers(true);
    // Not awaited: the page is reloaded under it.
    await page!.evaluate(() => void window.session.refresh().catch(() => undefined));
    // The provider rotated (the old refresh token is consumed) and holds the answer.
    await expect.poll(() => h.provider.stats().rotations).toBe(1);
    expect(h.provider.refreshTokens()).not.toEqual(ours);
    await page!.reload();
    h.provider.holdRefreshAnswers(false);

    // The vault's refresh journal says a refresh went out: the page replays it at once, before
    // `ready`. The provider refuses the consumed refresh token and ends the grant.
    await h.start([page!]);
    await expect.poll(() => h.provider.stats()).toMatchObject({ refreshCalls: 2, rotations: 1, invalidGrants: 1 });
    for (const tab of [page!, other!]) {
      await waitForState(tab, 'unauthenticated');
      expect(await tab.evaluate(() => window.session.getAccessToken())).toBeNull();
    }
    // The reloaded page was never signed in (it ended the session while restoring, before `ready`):
    // it starts signed out, with no logout event; the tab that showed the session hears why it ended.
    expect((await eventsOf(page!)).filter((line) => line.startsWith('logout'))).toEqual([]);
    expect((await eventsOf(other!)).filter((line) => line.startsWith('logout'))).toEqual(['logout:refresh-rejected']);
    // The grant is gone at the provider: the rotated token the page never got is dead too.
    expect(h.provider.refreshTokens()).toEqual([]);
  });
});
