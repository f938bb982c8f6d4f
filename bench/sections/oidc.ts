// 9. tokenward/oidc against a local oidc-provider: the time from the provider's redirect back to
// the app until the session is `authenticated` (code exchange and ID-token checks included), and
// provider refresh calls per rotation with 8 busy tabs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startOidcApi } from '../../demo/oidc/api.ts';
import type { OidcDemoConfig } from '../../demo/oidc/config.ts';
import { startOidcProvider, type OidcProvider } from '../../demo/oidc/provider.ts';
import { fillProviderPages } from '../../test/browser/harness/oidc.ts';
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';

const SIGN_INS = 7;
const TABS = 8;
const ACCESS_TOKEN_TTL = 3;
const LIFETIMES = 6;
const API_INTERVAL_MS = 150;

/** One sign-in through the provider's pages in a fresh browser profile; resolves the callback page and its time to `ready`. */
async function signIn(bench: BrowserBench, provider: OidcProvider): Promise<{ page: Page; readyAt: number }> {
  const context = await bench.browser.newContext();
  const [page] = await openPages(bench, context, '/oidc.html', 1);
  await page!.waitForFunction(() => window.benchOidc !== undefined);
  await page!.evaluate(() => window.benchOidc.whenReady());
  await page!.evaluate(() => window.benchOidc.login());
  await fillProviderPages(page!, provider.issuer);
  await page!.waitForFunction(() => window.benchOidc !== undefined);
  const ready = await page!.evaluate(() => window.benchOidc.whenReady());
  if (ready.status !== 'authenticated') throw new Error(`the callback ended ${ready.status}`);
  return { page: page!, readyAt: ready.readyAt };
}

export async function measureOidc(bench: BrowserBench, pagesDir: string): Promise<SectionReport> {
  const api = await startOidcApi();
  const provider = await startOidcProvider({ appOrigins: [bench.server.url], apiUrl: api.url, accessTokenTtl: ACCESS_TOKEN_TTL });
  api.trust(provider.issuer);
  const config: OidcDemoConfig = { issuer: provider.issuer, clientId: provider.clientId, apiUrl: api.url, accessTokenTtl: ACCESS_TOKEN_TTL };
  writeFileSync(join(pagesDir, 'bench-oidc.json'), JSON.stringify(config));
  try {
    const readyTimes: number[] = [];
    let last: Page | undefined;
    for (let run = 0; run < SIGN_INS; run++) {
      if (last) await last.context().close();
      const { page, readyAt } = await signIn(bench, provider);
      readyTimes.push(readyAt);
      last = page;
    }
    const tabs = [last!, ...(await openPages(bench, last!.context(), '/oidc.html', TABS - 1))];
    for (const tab of tabs) await tab.waitForFunction(() => window.benchOidc !== undefined);
    const restored = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.benchOidc.whenReady())));
    if (!restored.every((r) => r.status === 'authenticated')) throw new Error('a tab did not restore the session');
    provider.resetStats();
    const results = await Promise.all(
      tabs.map((tab) =>
        tab.evaluate(([url, runFor, interval]) => window.benchOidc.busy(url, runFor, interval), [
          api.url,
          LIFETIMES * ACCESS_TOKEN_TTL * 1000,
          API_INTERVAL_MS,
        ] as const),
      ),
    );
    assertNoPageErrors(tabs);
    await last!.context().close();
    const stats = provider.stats();
    const failed = results.reduce((sum, r) => sum + r.failed.length, 0);
    const calls = results.reduce((sum, r) => sum + r.ok + r.failed.length, 0);
    const loggedOut = results.filter((r) => r.status !== 'authenticated').length;
    const perRotation = stats.refreshCalls / stats.rotations;
    return {
      title: `9. OpenID Connect (tokenward/oidc against oidc-provider on loopback)`,
      summary: [
        {
          measurement: `9a. Provider refresh calls per rotation, ${TABS} tabs calling the API for ${LIFETIMES} token lifetimes`,
          tokenward: `${perRotation.toFixed(2)} (${stats.refreshCalls} calls / ${stats.rotations} rotations, ${stats.invalidGrants} invalid_grant, ${failed} failed of ${calls} API calls)`,
          baseline: 'target 1.00',
          ratio: '–',
          budget: 'rotations + at most 1, no invalid_grant',
          met: stats.refreshCalls <= stats.rotations + 1 && stats.invalidGrants === 0 && failed === 0 && loggedOut === 0,
          runs: `${LIFETIMES} lifetimes of ${ACCESS_TOKEN_TTL} s`,
        },
        {
          measurement: '9b. Callback to `authenticated` (navigation start of the redirect page to `ready`)',
          tokenward: `p50 ${format.ms(median(readyTimes))}, p95 ${format.ms(percentile(readyTimes, 95))}`,
          baseline: '–',
          ratio: '–',
          budget: '–',
          met: null,
          runs: `${SIGN_INS} sign-ins`,
        },
      ],
      tables: [
        {
          headers: ['Sign-in', ...readyTimes.map((_, i) => String(i + 1))],
          rows: [['callback → authenticated', ...readyTimes.map(format.ms)]],
        },
      ],
      notes: [
        `oidc-provider (demo/oidc/provider.ts) on its own loopback port: public client, PKCE, refresh-token rotation, ${ACCESS_TOKEN_TTL} s JWT access tokens for an API on a third origin that verifies them. ` +
          "Each sign-in runs in a fresh browser profile through the provider's development login and consent pages; the time counts from the navigation start of the redirect page (page load, script, discovery, the pending sign-in taken from the vault, code exchange, ID-token checks, the vault write) to `ready`. " +
          `Then ${TABS} tabs of the last profile (${TABS - 1} restored from the vault) call the API every ${API_INTERVAL_MS} ms; counts are the provider's.`,
      ],
    };
  } finally {
    await Promise.allSettled([provider.close(), api.close()]);
  }
}
