// 6. Refresh calls per rotation: 8 tabs, each firing 20 concurrent session.fetch('/api/me') at
// the moment the access token expires, against the strictly rotating reference server.
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import type { SectionReport } from '../lib/report.ts';

const TABS = 8;
const CONCURRENT = 20;
const EXPIRIES = 6;
/** Refresh answers take this long, so the refresh started at expiry is still in flight when the bursts land. */
const REFRESH_DELAY_MS = 200;

export async function measureRefresh(bench: BrowserBench, accessTokenTtl: number): Promise<SectionReport> {
  const control = bench.server.control;
  const context = await bench.browser.newContext();
  try {
    const tabs = await openPages(bench, context, '/refresh.html', TABS);
    await Promise.all(tabs.map((tab) => tab.evaluate(() => window.benchRefresh.start())));
    await tabs[0]!.evaluate(() => window.benchRefresh.login());
    const signedIn = await Promise.all(tabs.map((tab) => tab.evaluate((ms) => window.benchRefresh.whenSignedIn(ms), 10_000)));
    if (!signedIn.every(Boolean)) throw new Error('a tab did not take in the login');
    control.reset();
    control.delayRefresh(REFRESH_DELAY_MS);
    const statuses = (
      await Promise.all(tabs.map((tab) => tab.evaluate(([n, c]) => window.benchRefresh.expiries(n, c), [EXPIRIES, CONCURRENT] as const)))
    ).flat();
    const stats = control.stats();
    assertNoPageErrors(tabs);

    const failed = statuses.filter((status) => status !== 200).length;
    const perRotation = stats.refreshCalls / stats.rotations;
    return {
      title: `6. Refresh calls per rotation (${TABS} tabs × ${CONCURRENT} concurrent requests at each expiry)`,
      summary: [
        {
          measurement: `6. Refresh calls per rotation, ${TABS} tabs × ${CONCURRENT} requests at expiry`,
          tokenward: `${perRotation.toFixed(2)} (${stats.refreshCalls} calls / ${stats.rotations} rotations, ${stats.reuseDetections} reuse detections, ${failed} failed requests)`,
          baseline: 'target 1.00',
          ratio: '–',
          budget: 'exactly 1.00, no reuse',
          met: stats.refreshCalls === stats.rotations && stats.reuseDetections === 0 && failed === 0,
          runs: `${EXPIRIES} expiries, ${statuses.length} requests`,
        },
      ],
      tables: [
        {
          headers: ['Expiries', 'Requests', 'Failed requests', 'Refresh calls', 'Rotations', 'Calls per rotation', 'Reuse detections', 'API 401s (retried)'],
          rows: [
            [
              String(EXPIRIES),
              String(statuses.length),
              String(failed),
              String(stats.refreshCalls),
              String(stats.rotations),
              perRotation.toFixed(2),
              String(stats.reuseDetections),
              String(stats.api401s),
            ],
          ],
        },
      ],
      notes: [
        `Reference server with strict rotation (a refresh token presented twice revokes its family), ${accessTokenTtl} s access tokens, refresh answers delayed ${REFRESH_DELAY_MS} ms. ` +
          `Every tab runs createSession({ storage: 'indexeddb', refreshLeeway: 0 }) (so each tab's own scheduler also falls due at expiry, less its jitter); tab 0 logs in, the others follow. ` +
          `Then, ${EXPIRIES} times, every tab sets a timer for the token's expiresAt, fires ${CONCURRENT} session.fetch('/api/me') at once and waits for the next token. Counts are the server's.`,
      ],
    };
  } finally {
    await context.close();
    control.reset();
  }
}
