// 5. Cross-tab logout: from the sign-out call in one tab to each other tab knowing, with 1, 4 and
// 10 other tabs, beside a native BroadcastChannel message, okta-auth-js and supabase auth-js.
import type { Page } from 'playwright-core';
import type { TabsContenderName } from '../pages/api.ts';
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { format, type SectionReport, type SummaryRow } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';

const CONTENDERS: readonly TabsContenderName[] = ['native BroadcastChannel', 'tokenward', 'okta-auth-js', 'supabase auth-js'];
const OTHER_TABS = [1, 4, 10] as const;
const ROUNDS = 50;
const WAIT_MS = 5_000;
/** How long the supabase run with the slow server waits for the other tab before calling it unheard. */
const SLOW_SERVER_WAIT_MS = 2_000;

interface Rounds {
  /** The first round, cold (not in the figures below): ms until the last of the other tabs knew. */
  cold: number;
  /** Every other tab in every round: ms from the call to that tab knowing. */
  readonly latencies: number[];
  /** Per round: ms until the last of the other tabs knew. */
  readonly lastTab: number[];
  /** Per round: ms until the sign-out call itself resolved in the tab that made it. */
  readonly returned: number[];
  /** Other-tab samples, cold round included, that never heard within the wait. */
  missed: number;
}

/** One cold round, then `rounds` counted ones, with `others` tabs beside the one that signs out. */
async function runRounds(bench: BrowserBench, name: TabsContenderName, others: number, rounds: number, waitMs: number): Promise<Rounds> {
  const context = await bench.browser.newContext();
  try {
    const tabs = await openPages(bench, context, '/tabs.html', others + 1);
    for (const tab of tabs) {
      const outcome = await tab.evaluate((n) => window.benchTabs.setup(n), name);
      if (!outcome.ok) throw new Error(`${name} could not be set up: ${outcome.reason}`);
    }
    const [leader, ...rest] = tabs as [Page, ...Page[]];
    const result: Rounds = { cold: Number.NaN, latencies: [], lastTab: [], returned: [], missed: 0 };
    // Round 0 is the cold one (first logout in these tabs): reported on its own, not counted.
    for (let round = 0; round <= rounds; round++) {
      await Promise.all(tabs.map((tab) => tab.evaluate(() => window.benchTabs.arm())));
      await leader.evaluate(() => window.benchTabs.signIn());
      const followed = await Promise.all(rest.map((tab) => tab.evaluate((ms) => window.benchTabs.whenSignedIn(ms), WAIT_MS)));
      if (!followed.every(Boolean)) throw new Error(`${name}: a tab did not take in the sign-in`);
      // The tabs note the time themselves; asking first only means the answers come back without another round trip.
      const heard = rest.map((tab) => tab.evaluate((ms) => window.benchTabs.whenHeard(ms), waitMs));
      const calledAt = await leader.evaluate(() => window.benchTabs.signOut());
      const heardAt = await Promise.all(heard);
      const returnedAt = await leader.evaluate((ms) => window.benchTabs.whenReturned(ms), waitMs);
      const latencies = heardAt.filter((at): at is number => at !== null).map((at) => at - calledAt);
      await Promise.all(tabs.map((tab) => tab.evaluate((ms) => window.benchTabs.whenSettled(ms), waitMs)));
      result.missed += heardAt.length - latencies.length;
      if (round === 0) {
        result.cold = latencies.length === heardAt.length ? Math.max(...latencies) : Number.NaN;
        continue;
      }
      result.latencies.push(...latencies);
      if (latencies.length === heardAt.length) result.lastTab.push(Math.max(...latencies));
      if (returnedAt !== null) result.returned.push(returnedAt - calledAt);
    }
    assertNoPageErrors(tabs);
    return result;
  } finally {
    await context.close();
  }
}

export async function measureLogout(bench: BrowserBench): Promise<SectionReport> {
  const results = new Map<string, Rounds>();
  const key = (name: TabsContenderName, others: number) => `${name}/${others}`;
  let tokenwardLogoutAnswers = 0;
  for (const others of OTHER_TABS) {
    for (const name of CONTENDERS) {
      // tokenward talks to the server on logout: that call never gets an answer here, to show it holds nobody up.
      bench.server.control.failLogout(name === 'tokenward' ? 'hang' : null);
      results.set(key(name, others), await runRounds(bench, name, others, ROUNDS, WAIT_MS));
      if (name === 'tokenward') {
        tokenwardLogoutAnswers += bench.server.control.stats().requests.filter((r) => r.path === '/auth/logout' && r.status !== 0).length;
      }
      bench.server.control.reset();
    }
  }
  // supabase awaits its server logout call before telling the other tabs: once with the same silent server.
  bench.server.control.failLogout('hang');
  const supabaseSlow = await runRounds(bench, 'supabase auth-js', 1, 0, SLOW_SERVER_WAIT_MS);
  bench.server.control.reset();

  const p99 = (name: TabsContenderName, others: number) => percentile(results.get(key(name, others))!.latencies, 99);
  const rows = OTHER_TABS.flatMap((others) =>
    CONTENDERS.map((name) => {
      const r = results.get(key(name, others))!;
      return [
        name,
        String(others),
        String(r.latencies.length),
        format.ms(median(r.latencies)),
        format.ms(percentile(r.latencies, 99)),
        format.ms(median(r.lastTab)),
        format.ms(r.cold),
        format.ms(median(r.returned)),
        format.ratio(percentile(r.latencies, 99) / p99('native BroadcastChannel', others)),
        String(r.missed),
      ];
    }),
  );
  const byCount = (name: TabsContenderName) => OTHER_TABS.map((others) => format.ms(p99(name, others))).join(' / ');
  const belowOkta = OTHER_TABS.every((others) => p99('tokenward', others) < p99('okta-auth-js', others));
  const noneMissed = OTHER_TABS.every((others) => results.get(key('tokenward', others))!.missed === 0);
  const summary: SummaryRow[] = [
    {
      measurement: '5. Cross-tab logout p99, 1 / 4 / 10 other tabs (server logout never answering)',
      tokenward: byCount('tokenward'),
      baseline: `okta-auth-js ${byCount('okta-auth-js')}; native BroadcastChannel ${byCount('native BroadcastChannel')}`,
      ratio: `${OTHER_TABS.map((others) => format.ratio(p99('tokenward', others) / p99('okta-auth-js', others))).join(' / ')} of okta; ${OTHER_TABS.map((others) => format.ratio(p99('tokenward', others) / p99('native BroadcastChannel', others))).join(' / ')} of native`,
      budget: 'p99 below okta-auth-js; server call does not delay other tabs',
      met: belowOkta && noneMissed && tokenwardLogoutAnswers === 0,
      runs: `${ROUNDS} rounds per tab count after a cold one (p99 over all tabs × rounds)`,
    },
  ];
  const slow = Number.isNaN(supabaseSlow.cold) ? `not heard within ${SLOW_SERVER_WAIT_MS} ms` : `heard after ${format.ms(supabaseSlow.cold)}`;
  return {
    title: '5. Cross-tab logout propagation (sign-out call in one tab → every other tab knows)',
    summary,
    tables: [
      {
        headers: [
          'Contender',
          'Other tabs',
          'Samples',
          'p50',
          'p99',
          'p50 of slowest tab per round',
          'Cold first round, slowest tab',
          'Sign-out call resolved (p50)',
          'p99 ÷ native p99',
          'Missed',
        ],
        rows,
      },
    ],
    notes: [
      `Each tab count runs one cold round (the first logout in fresh tabs, shown on its own) and then ${ROUNDS} counted rounds. ` +
        "Times run from just before the sign-out call in one tab to the moment each other tab's own listener fired, both as performance.timeOrigin + performance.now() in that tab (comparable across tabs, 0.1 ms resolution in a page that is not cross-origin isolated). " +
        'Heard means: tokenward, a subscribe listener sees `unauthenticated`; native, the BroadcastChannel message event; okta-auth-js (services started, so its SyncStorageService broadcast-channel), `tokenManager.clear()` heard as the `removed` token event; ' +
        "supabase auth-js, `signOut({ scope: 'local' })` heard as `SIGNED_OUT` in onAuthStateChange. Each round signs in again first (tokenward `setTokens`, okta `tokenManager.setTokens`, both waited for in every tab; supabase by writing its session to localStorage, which its other tabs need not know).",
      `Server: during the tokenward rounds the reference server's /auth/logout never answers (\`failLogout('hang')\`): ${tokenwardLogoutAnswers} of tokenward's logout calls got an answer during its rounds, and "Sign-out call resolved" is tab 0's logout() resolving without it (local state, vault and purge). ` +
        `okta-auth-js makes no server call. supabase calls the server's logout before removing the session and telling other tabs, so its rounds ran with the server answering at once (the same endpoint, 403 without a CSRF header, which supabase accepts); ` +
        `with the server silent as in the tokenward rounds, its other tab was ${slow}.`,
    ],
  };
}
