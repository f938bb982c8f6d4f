// tokenward/oidc in real Chromium against a real OpenID Provider (oidc-provider) on its own
// origin, with the API that accepts its access tokens on a third one.
import { describe, expect, it } from 'vitest';
import { trackErrors, waitForState } from './harness/browser.ts';
import { signIn, useOidcSuite } from './harness/oidc.ts';
import { eventsOf } from './harness/sessions.ts';

const h = useOidcSuite();

describe('tokenward/oidc sign-in (real Chromium, oidc-provider)', () => {
  it('signs in through the provider pages, calls the API with the token, and restores on reload without the provider', async () => {
    const [page] = await h.oidcTabs(1);
    const errors = trackErrors(page!);
    await h.start([page!]);
    await signIn(page!, h);
    const state = await waitForState(page!, 'authenticated');
    expect(state.claims?.sub).toBe('alice');
    expect(state.claims?.name).toBe('User alice');
    // The code and state are gone from the address bar; the app can read where it wanted to be.
    expect(page!.url()).toBe(h.oidcPage);
    expect(await page!.evaluate(() => window.oidcFlow.returnTo)).toBe('/oidc.html');
    expect(await eventsOf(page!)).toEqual(['login:this-tab']);

    const me = await page!.evaluate(async (api) => {
      const response = await window.session.fetch(`${api}/me`);
      return { status: response.status, body: (await response.json()) as { sub?: string } };
    }, h.api.url);
    expect(me).toEqual({ status: 200, body: expect.objectContaining({ sub: 'alice' }) });
    expect(h.api.stats().accepted).toBe(1);

    const calls = h.provider.requests.length;
    await page!.reload();
    await h.start([page!]);
    expect((await waitForState(page!, 'authenticated')).claims?.sub).toBe('alice');
    expect(h.provider.requests.slice(calls)).toEqual([]);
    // The provider's endpoints never see a bearer token.
    expect(h.provider.requests.filter((r) => r.authorization)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
