// Each framework binding in real Chromium against the reference server: a small app bundled
// by Vite (fixture/react.html, vue.html, svelte.html; angular-app/ compiled by ngc first) shows a real login, refresh, authenticated
// request and logout in its rendered DOM.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackErrors } from './harness/browser.ts';
import { useBrowserSuite } from './harness/suite.ts';

/** Waits until the element's text matches, and returns it. */
async function shows(page: Page, selector: string, text: string | RegExp): Promise<string> {
  const element = page.locator(selector).filter({ hasText: text });
  await element.waitFor({ timeout: 10_000 });
  return element.innerText();
}

// Only the React page shows useAccessToken (the others have no such helper: `session.http`,
// and in Angular HttpClient with the interceptor, cover requests).
describe.each([
  { binding: 'react', tokenOnScreen: true },
  { binding: 'vue', tokenOnScreen: false },
  { binding: 'svelte', tokenOnScreen: false },
  { binding: 'angular', tokenOnScreen: false },
])('tokenward/$binding in Chromium', ({ binding, tokenOnScreen }) => {
  // Tokens that outlive the test: the only refresh is the one the test asks for.
  const h = useBrowserSuite({ server: { accessTokenTtl: 600 } });

  it('renders a real login, refresh, authenticated request and logout', async () => {
    const page = await (await h.context()).newPage();
    const errors = trackErrors(page);
    await page.goto(new URL(`/${binding}.html`, h.server.url).href);
    await shows(page, '#status', /^unauthenticated$/);

    await page.click('#login');
    const loggedIn = await shows(page, '#status', /^authenticated as alice \(.+\)$/);
    if (tokenOnScreen) await shows(page, '#token', 'token: held');

    await page.click('#call-api');
    await shows(page, '#api', 'api says alice');

    await page.click('#refresh');
    // The token id on screen changes: the component re-rendered with the refreshed session.
    await page.waitForFunction((before) => document.querySelector('#status')?.textContent !== before, loggedIn);
    expect(await page.innerText('#status')).toMatch(/^authenticated as alice \(.+\)$/);

    // The screen signs out at once; the server call runs behind it, so wait for its answer too.
    const serverLogout = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/logout');
    await page.click('#logout');
    await shows(page, '#status', /^unauthenticated$/);
    if (tokenOnScreen) await shows(page, '#token', 'token: none');
    expect((await serverLogout).status()).toBe(204);

    expect(h.server.control.stats()).toMatchObject({ loginCalls: 1, refreshCalls: 1, apiCalls: 1, logoutCalls: 1 });
    expect(errors).toEqual([]);
  });
});
