// 3. Restore: navigation start to `authenticated` from the vault, beside a page that does only
// an idb-keyval get and an AES-GCM decrypt. Reloads alternate between the two pages.
import type { Page } from 'playwright-core';
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';

const RELOADS = 30;
const WARM_UP = 2;
const BUDGET_RATIO = 1.15;

/** Loads (or reloads) the page and returns when, on its navigation clock, it knew whether it is signed in. */
async function settle(page: Page, reload: boolean): Promise<{ settledAt: number; signedIn: boolean }> {
  if (reload) await page.reload();
  const handle = await page.waitForFunction(() => {
    const restore = window.benchRestore;
    return restore?.settledAt != null ? { settledAt: restore.settledAt, signedIn: restore.signedIn } : null;
  });
  return (await handle.jsonValue())!;
}

export async function measureRestore(bench: BrowserBench): Promise<SectionReport> {
  const context = await bench.browser.newContext();
  try {
    const [tokenward, raw] = await Promise.all([openPages(bench, context, '/restore.html', 1), openPages(bench, context, '/restore-raw.html', 1)]);
    const pages = { tokenward: tokenward[0]!, raw: raw[0]! };
    // First visit: nothing stored yet; store a valid session for the reloads to restore.
    for (const page of Object.values(pages)) {
      await settle(page, false);
      await page.evaluate(() => window.benchRestore.seed());
    }
    const times = { tokenward: [] as number[], raw: [] as number[] };
    for (let i = 0; i < WARM_UP + RELOADS; i++) {
      const order = i % 2 === 0 ? (['raw', 'tokenward'] as const) : (['tokenward', 'raw'] as const);
      for (const which of order) {
        const { settledAt, signedIn } = await settle(pages[which], true);
        if (!signedIn) throw new Error(`the ${which} restore page came back signed out`);
        if (i >= WARM_UP) times[which].push(settledAt);
      }
    }
    assertNoPageErrors(Object.values(pages));

    const tw = median(times.tokenward);
    const base = median(times.raw);
    const ratio = tw / base;
    const row = (label: string, values: number[]) => [
      label,
      format.ms(median(values)),
      format.ms(percentile(values, 10)),
      format.ms(percentile(values, 90)),
      String(values.length),
    ];
    return {
      title: '3. Restore: navigation start to `authenticated` from the vault',
      summary: [
        {
          measurement: '3. Restore, navigation start → authenticated',
          tokenward: format.ms(tw),
          baseline: `${format.ms(base)} (idb-keyval get + AES-GCM decrypt page)`,
          ratio: format.ratio(ratio, 3),
          budget: '≤ 1.15× raw page',
          met: ratio <= BUDGET_RATIO,
          runs: `median of ${RELOADS} reloads each, alternating`,
        },
      ],
      tables: [
        {
          headers: ['Page', 'Median', 'p10', 'p90', 'Reloads'],
          rows: [
            row('tokenward (createSession at start-up, status → authenticated)', times.tokenward),
            row('raw: idb-keyval get + AES-GCM decrypt', times.raw),
          ],
        },
      ],
      notes: [
        'Both pages are production bundles (minified) served by the reference server on 127.0.0.1 and reloaded by Playwright (so under a DevTools connection), alternating, ' +
          `${WARM_UP} warm-up reloads each not counted. The time is performance.now() in the page (0 = navigation start) when tokenward's subscribe listener first sees a status other than \`loading\`, ` +
          'or when the raw page has decrypted and parsed its record. The raw page reads one idb-keyval record {key, iv, ciphertext} holding a non-extractable AES-GCM key and the same session JSON; ' +
          'tokenward reads its two vault records (key and sealed session) in one transaction, decrypts with additional data and validates the result.',
      ],
    };
  } finally {
    await context.close();
  }
}
