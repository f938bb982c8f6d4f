// OIDC browser tests: the reference server serves the fixture (the app's origin), oidc-provider
// runs on a second loopback origin and the API that accepts its tokens on a third, so CORS
// between them is real. The provider's pages are filled in like a user would.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startOidcApi, type OidcApi } from '../../../demo/oidc/api.ts';
import { startOidcProvider, type OidcProvider } from '../../../demo/oidc/provider.ts';
import type { OidcOptions } from '../../../src/oidc/index.ts';
import { trackErrors, waitForState } from './browser.ts';
import { callApiFor, eventsOf, startSessions, type PageSessionOptions } from './sessions.ts';
import { useBrowserSuite, type BrowserSuite } from './suite.ts';

export interface OidcSuite extends BrowserSuite {
  readonly provider: OidcProvider;
  readonly api: OidcApi;
  /** The OIDC fixture page, which is also the redirect URI. */
  readonly oidcPage: string;
  /** What the pages pass to `oidc()`. */
  oidcOptions(): OidcOptions;
  /** `n` tabs on the OIDC fixture page. */
  oidcTabs(n: number, context?: Awaited<ReturnType<BrowserSuite['context']>>): Promise<Page[]>;
  /** Creates the OIDC session in each page and waits for `ready` (on the redirect URI, that completes a sign-in). */
  start(pages: readonly Page[], options?: PageSessionOptions): Promise<void>;
}

export interface OidcSuiteOptions {
  /** Seconds. Default 3. */
  accessTokenTtl?: number;
  /** The fixture page that runs the session and is the redirect URI. Default '/oidc.html'. */
  page?: string;
  /** Sessions get `dpop` from tokenward/dpop (the page must load the DPoP fixture entry: oidc-dpop.html). */
  dpop?: boolean;
}

export function useOidcSuite({ accessTokenTtl = 3, page = '/oidc.html', dpop = false }: OidcSuiteOptions = {}): OidcSuite {
  const suite = useBrowserSuite();
  let provider: OidcProvider | undefined;
  let api: OidcApi | undefined;

  beforeAll(async () => {
    api = await startOidcApi();
    provider = await startOidcProvider({ appOrigins: [suite.server.url], page, apiUrl: api.url, accessTokenTtl });
    api.trust(provider.issuer);
  });
  afterEach(() => {
    provider?.failToken('none');
    provider?.requireDpopNonce(false);
    api?.requireDpopNonce(false);
    provider?.ignoreDpop(false);
    provider?.answerRefreshesAs(null);
    provider?.holdRefreshAnswers(false);
    provider?.issueAccessTokensFor(null);
    provider?.resetStats();
  });
  afterAll(async () => {
    await Promise.allSettled([provider?.close(), api?.close()]);
  });

  function started<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('useOidcSuite: only inside tests and hooks');
    return value;
  }

  const oidcSuite: OidcSuite = Object.create(suite, {
    provider: { get: () => started(provider) },
    api: { get: () => started(api) },
    oidcPage: { get: () => `${suite.server.url}${page}` },
  });
  oidcSuite.oidcOptions = () => ({
    issuer: oidcSuite.provider.issuer,
    clientId: oidcSuite.provider.clientId,
    redirectUri: oidcSuite.oidcPage,
    scope: 'openid profile offline_access api',
    postLogoutRedirectUri: `${oidcSuite.oidcPage}?signed-out`,
  });
  oidcSuite.oidcTabs = async (n, context) => {
    const pages = await suite.newTabs(n, context);
    await Promise.all(pages.map((page) => page.goto(oidcSuite.oidcPage)));
    return pages;
  };
  oidcSuite.start = (pages, options = {}) => startSessions(pages, { trustedOrigins: [oidcSuite.api.url], ...options }, oidcSuite.oidcOptions(), dpop);
  return oidcSuite;
}

/**
 * The user's part at the provider, whichever of its pages it shows: the development login page
 * (any password), then consent. Within a live provider session with a grant it shows neither.
 * Resolves once the browser has left the provider.
 */
export async function fillProviderPages(page: Page, issuer: string, user = 'alice'): Promise<void> {
  const atProvider = (url: URL) => url.href.startsWith(`${issuer}/`);
  const interaction = (url: URL) => url.href.startsWith(`${issuer}/interaction/`);
  const back = (url: URL) => !atProvider(url) && (url.searchParams.has('code') || url.searchParams.has('error'));
  await page.waitForURL((url) => interaction(url) || back(url));
  while (interaction(new URL(page.url()))) {
    const here = page.url();
    if (await page.locator('input[name=login]').count()) {
      await page.fill('input[name=login]', user);
      await page.fill('input[name=password]', 'any password');
    }
    await page.click('button[type=submit]');
    // From a provider page, any other origin is the way back: the app may already have taken the
    // code out of the address bar (the demo does at once), and a polling driver (WebKit's) can miss it.
    await page.waitForURL((url) => url.href !== here && (interaction(url) || !atProvider(url)));
  }
}

/** Starts `session.login()` in the page; it navigates away, so the evaluate itself may be cut off. */
export async function startLogin(page: Page): Promise<void> {
  // `{}`: OidcLoginOptions with nothing set (the page's session is typed for the first-party credentials).
  await page.evaluate(() => void window.session.login({})).catch(() => undefined);
}

/**
 * Signs in through the provider's pages from a page where the OIDC session runs, and waits
 * until the page is back on the redirect URI. Returns the callback URL as the provider sent it
 * (code, state, iss) before the session consumed it.
 */
export async function reachCallback(page: Page, h: OidcSuite, user = 'alice'): Promise<string> {
  await startLogin(page);
  await fillProviderPages(page, h.provider.issuer, user);
  await page.waitForURL((url) => url.href.startsWith(`${h.oidcPage}?`) && url.searchParams.has('code'));
  return page.url();
}

/**
 * Finishes any refresh on its way and stops the page's session, before a test leaves the page
 * (reload, goto). The tokens live 3 s: a page left while a refresh is on its way loses the
 * rotated refresh token, and the provider ends the grant when the old one is presented again.
 */
export async function stopSession(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await window.session.refresh();
    window.session.dispose();
  });
}

/** The whole sign-in: through the provider, back on the redirect URI, the session ready and authenticated. */
export async function signIn(page: Page, h: OidcSuite, options?: PageSessionOptions): Promise<string> {
  const callback = await reachCallback(page, h);
  await h.start([page], options);
  await waitForState(page, 'authenticated');
  return callback;
}

/**
 * `tabs` tabs signed in (through the first), each calling the API through `session.fetch` every
 * 150 ms for `runFor` ms; then checks what the issue asks of them: no call failed, no tab signed
 * out or saw a page error, no `invalid_grant`, at least 5 rotations and one provider refresh per
 * rotation across all tabs (at most one more). Resolves the tabs, for more checks.
 */
export async function keepTabsBusy(h: OidcSuite, tabs: number, runFor: number): Promise<Page[]> {
  const pages = await h.oidcTabs(tabs);
  const [first, ...others] = pages;
  const errors = pages.map((page) => trackErrors(page));
  await h.start([first!]);
  await signIn(first!, h);
  await h.start(others);
  await Promise.all(others.map((page) => waitForState(page, 'authenticated')));
  h.provider.resetStats();
  const results = await callApiFor(pages, `${h.api.url}/me`, runFor, 150);
  const stats = h.provider.stats();
  for (const result of results) expect(result).toMatchObject({ failed: [], status: 'authenticated' });
  expect(stats.invalidGrants).toBe(0);
  expect(stats.rotations).toBeGreaterThanOrEqual(5);
  // One provider refresh per due time across all tabs, never one per tab.
  expect(stats.refreshCalls).toBeLessThanOrEqual(stats.rotations + 1);
  for (const page of pages) expect((await eventsOf(page)).filter((line) => line.startsWith('logout'))).toEqual([]);
  for (const list of errors) expect(list).toEqual([]);
  return pages;
}
