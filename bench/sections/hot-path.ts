// 2. getAccessToken() with a valid token: sequential awaited calls in a fixed window, every
// contender in the same page, rounds interleaved so that drift hits them all alike.
import type { HotContenderName } from '../pages/api.ts';
import type { Touches } from '../pages/lib/probe.ts';
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

const BARE: HotContenderName = 'bare Promise.resolve(token)';
const TOKENWARD: readonly HotContenderName[] = ['tokenward (memory)', 'tokenward (indexeddb)'];
const OTHERS: readonly HotContenderName[] = ['okta-auth-js', 'oidc-client-ts', 'auth0-spa-js', 'supabase auth-js', 'msal-browser'];
/** What each other SDK's call is, for the table. */
const CALLS: Record<HotContenderName, string> = {
  'bare Promise.resolve(token)': 'await Promise.resolve(token)',
  'tokenward (memory)': 'session.getAccessToken()',
  'tokenward (indexeddb)': 'session.getAccessToken()',
  'okta-auth-js': 'authClient.getOrRenewAccessToken()',
  'oidc-client-ts': 'userManager.getUser()',
  'auth0-spa-js': 'client.getTokenSilently()',
  'supabase auth-js': 'auth.getSession()',
  'msal-browser': 'pca.acquireTokenSilent({ scopes, account })',
};
const WINDOW_MS = 500;
const ROUNDS = 7;
const BUDGET = 2e6;

interface Measured {
  readonly rates: number[];
  calls: number;
  readonly touches: Touches;
}

function describeTouches(touches: Touches, calls: number): string {
  const parts = (Object.keys(touches) as (keyof Touches)[]).filter((kind) => touches[kind] > 0).map((kind) => `${kind} ${(touches[kind] / calls).toFixed(2)}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

export async function measureHotPath(bench: BrowserBench): Promise<SectionReport> {
  const context = await bench.browser.newContext();
  try {
    const [page] = await openPages(bench, context, '/hot-path.html', 1);
    const failures = new Map<HotContenderName, string>();
    const measured = new Map<HotContenderName, Measured>();
    for (const name of [BARE, ...TOKENWARD, ...OTHERS]) {
      const outcome = await page!.evaluate((n) => window.benchHot.setup(n), name);
      if (outcome.ok) measured.set(name, { rates: [], calls: 0, touches: { network: 0, indexedDB: 0, locks: 0, webStorage: 0, cookies: 0 } });
      else failures.set(name, outcome.reason);
    }
    const names = [...measured.keys()];
    // Round 0 warms up the JIT and is not counted; each round starts with another contender.
    for (let round = 0; round <= ROUNDS; round++) {
      const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
      for (const name of order) {
        const run = await page!.evaluate(([n, ms]) => window.benchHot.run(n, ms), [name, WINDOW_MS] as const);
        if (round === 0) continue;
        const entry = measured.get(name)!;
        entry.rates.push((run.calls / run.elapsedMs) * 1000);
        entry.calls += run.calls;
        for (const kind of Object.keys(run.touches) as (keyof Touches)[]) entry.touches[kind] += run.touches[kind];
      }
    }
    assertNoPageErrors([page!]);

    const rateOf = (name: HotContenderName) => (measured.has(name) ? median(measured.get(name)!.rates) : Number.NaN);
    const bare = rateOf(BARE);
    const fastestOther = OTHERS.filter((name) => measured.has(name)).reduce<HotContenderName | null>(
      (best, name) => (best === null || rateOf(name) > rateOf(best) ? name : best),
      null,
    );
    const rows = [BARE, ...TOKENWARD, ...OTHERS].map((name) => {
      const entry = measured.get(name);
      if (!entry) return [name, CALLS[name], 'not measured', '–', '–', `setup failed: ${failures.get(name)}`];
      const min = Math.min(...entry.rates);
      const max = Math.max(...entry.rates);
      return [
        name,
        CALLS[name],
        format.rate(rateOf(name)),
        `${format.rate(min)} – ${format.rate(max)}`,
        format.ratio(rateOf(name) / bare),
        describeTouches(entry.touches, entry.calls),
      ];
    });
    const summary = TOKENWARD.map((name) => {
      const entry = measured.get(name);
      const clean = entry !== undefined && Object.values(entry.touches).every((count) => count === 0);
      const rate = rateOf(name);
      return {
        measurement: `2. getAccessToken() with a valid token, calls/s (${name === 'tokenward (memory)' ? 'memory' : 'indexeddb'} storage)`,
        tokenward: entry ? `${format.rate(rate)}; touched ${describeTouches(entry.touches, entry.calls)}` : `not measured: ${failures.get(name)}`,
        baseline: `bare promise ${format.rate(bare)}; fastest other SDK ${fastestOther ? `${fastestOther} ${format.rate(rateOf(fastestOther))}` : 'n/a'}`,
        ratio: `${format.ratio(rate / bare)} of bare${fastestOther ? `, ${format.ratio(rate / rateOf(fastestOther))} ${fastestOther}` : ''}`,
        budget: '≥ 2 M/s; no network, IndexedDB, lock or web storage',
        met: entry ? rate >= BUDGET && clean : null,
        runs: `median of ${ROUNDS} × ${WINDOW_MS} ms windows`,
      };
    });
    return {
      title: '2. getAccessToken() with a valid token (Chromium, one page, sequential awaited calls)',
      summary,
      tables: [{ headers: ['Contender', 'Call', 'Calls/s (median)', 'Min – max', 'Ratio to bare', 'Touched per call'], rows }],
      notes: [
        `Each contender is signed in with an unexpired token (1 h left) seeded where that SDK reads it, and its call is checked to answer with that token before timing. ` +
          `Then ${ROUNDS} rounds (after one warm-up round) of ${WINDOW_MS} ms windows of sequential awaited calls, the contenders interleaved, each round starting with the next one; the median round is shown. ` +
          '"Touched per call" counts, in the page, fetch/XHR/sendBeacon, IndexedDB opens and transactions, Web Locks requests, Storage method calls and document.cookie accesses made during the timed calls.',
        'Seeding: okta-auth-js: localStorage `okta-token-storage` in the shape TokenManager writes, services started; oidc-client-ts: sessionStorage `oidc.user:<authority>:<client_id>` in the shape User.toStorageString writes; ' +
          'auth0-spa-js: its default in-memory cache (an InMemoryCache passed as `cache`) holding the ID-token and access-token entries a code exchange leaves; supabase auth-js: localStorage under its storageKey in the shape it saves a session; ' +
          "msal-browser: its own public `loadExternalTokens()` into its default sessionStorage cache, with the authority's discovery documents given in the configuration (`cloudDiscoveryMetadata`, `authorityMetadata`) so that nothing is fetched; " +
          'tokenward: `setTokens({ access_token, expires_in: 3600 })`. Tokens are JWT-shaped with an RS256-sized signature and signed by nobody.',
      ],
    };
  } finally {
    await context.close();
  }
}
