// 7. Session check: how soon a device signed out from another one notices (every tab of it), and
// how many session-check requests one browser sends per interval however many tabs are visible.
import type { BrowserContext, Page } from 'playwright-core';
import { assertNoPageErrors, openPages, type BrowserBench } from '../lib/bench-context.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

const INTERVAL = 2;
const ROUNDS = 10;
const REVOKED_TABS = 2;
const TAB_COUNTS = [1, 4, 10] as const;
/** The request count runs with 1 s intervals, to keep the bench short; the figure is per interval. */
const COUNT_INTERVAL = 1;
const COUNTED_INTERVALS = 10;
const WAIT_MS = 10_000;
const ACCESS_TOKEN_TTL = 600;

/** `count` tabs of one device running a session with the check on, signed in. */
async function device(bench: BrowserBench, context: BrowserContext, count: number, interval: number): Promise<Page[]> {
  const tabs = await openPages(bench, context, '/session-check.html', count);
  await Promise.all(tabs.map((tab) => tab.evaluate((s) => window.benchCheck.start(s), interval)));
  await signIn(tabs);
  return tabs;
}

async function signIn(tabs: readonly Page[]): Promise<void> {
  await tabs[0]!.evaluate(() => window.benchCheck.login());
  const signedIn = await Promise.all(tabs.map((tab) => tab.evaluate((ms) => window.benchCheck.whenSignedIn(ms), WAIT_MS)));
  if (!signedIn.every(Boolean)) throw new Error('a tab did not take in the sign-in');
}

/** Per round: ms from the server's answer to the revocation until the last tab of the revoked device was out. */
async function revocationRounds(bench: BrowserBench): Promise<number[]> {
  const [contextA, contextB] = await Promise.all([bench.browser.newContext(), bench.browser.newContext()]);
  try {
    const [a] = await device(bench, contextA, 1, INTERVAL);
    const b = await openPages(bench, contextB, '/session-check.html', REVOKED_TABS);
    await Promise.all(b.map((tab) => tab.evaluate((s) => window.benchCheck.start(s), INTERVAL)));
    const lastOut: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await signIn(b);
      // Spread the revocations over the interval: the loop would otherwise lock onto the check's phase.
      await new Promise((resolve) => setTimeout(resolve, (round / ROUNDS) * INTERVAL * 1000));
      const out = b.map((tab) => tab.evaluate((ms) => window.benchCheck.whenRevoked(ms), WAIT_MS));
      const revokedAt = await a!.evaluate(() => window.benchCheck.revokeOthers());
      const times = await Promise.all(out);
      if (times.some((at) => at === null)) throw new Error(`round ${round}: a tab was not signed out (revoked) within ${WAIT_MS} ms`);
      lastOut.push(Math.max(...(times as number[])) - revokedAt);
    }
    assertNoPageErrors([a!, ...b]);
    return lastOut;
  } finally {
    await Promise.all([contextA.close(), contextB.close()]);
  }
}

/** Session-check requests the server saw per interval, with `count` visible tabs of one device. */
async function checksPerInterval(bench: BrowserBench, count: number): Promise<number> {
  const context = await bench.browser.newContext();
  try {
    const tabs = await device(bench, context, count, COUNT_INTERVAL);
    const before = bench.server.control.stats().sessionChecks;
    await new Promise((resolve) => setTimeout(resolve, COUNTED_INTERVALS * COUNT_INTERVAL * 1000));
    const checks = bench.server.control.stats().sessionChecks - before;
    assertNoPageErrors(tabs);
    return checks / COUNTED_INTERVALS;
  } finally {
    await context.close();
  }
}

export async function measureSessionCheck(bench: BrowserBench): Promise<SectionReport> {
  // Tokens that outlive the run: otherwise the revoked device's next refresh (invalid_grant) may
  // notice first, and this section is about what the session check alone achieves.
  bench.server.control.setAccessTokenTtl(ACCESS_TOKEN_TTL);
  const perInterval = new Map<number, number>();
  let lastOut: number[];
  try {
    lastOut = await revocationRounds(bench);
    for (const count of TAB_COUNTS) perInterval.set(count, await checksPerInterval(bench, count));
  } finally {
    bench.server.control.reset();
  }
  const p50 = median(lastOut);
  const max = Math.max(...lastOut);
  const counts = TAB_COUNTS.map((count) => perInterval.get(count)!.toFixed(2)).join(' / ');
  return {
    title: `7. Session check (server-side revocation → every tab of that device out; requests per interval)`,
    summary: [
      {
        measurement: `7. Revocation → last tab out (interval ${INTERVAL} s, p50 / max); checks per interval with ${TAB_COUNTS.join(' / ')} tabs`,
        tokenward: `${format.ms(p50)} / ${format.ms(max)}; ${counts}`,
        baseline: `bound ${INTERVAL + 1} s; per-tab polling would send ${TAB_COUNTS.join(' / ')}`,
        ratio: '–',
        budget: `max ≤ ${INTERVAL + 1} s; ≤ 1 check per interval`,
        met: max <= (INTERVAL + 1) * 1000 && [...perInterval.values()].every((n) => n <= 1.1),
        runs: `${ROUNDS} revocations; ${COUNTED_INTERVALS} intervals per tab count`,
      },
    ],
    tables: [
      {
        headers: ['Revocation → last tab out', 'p50', 'max', 'rounds'],
        rows: [[`${REVOKED_TABS} tabs, interval ${INTERVAL} s`, format.ms(p50), format.ms(max), String(ROUNDS)]],
      },
      { headers: ['Visible tabs', 'Session checks per interval'], rows: TAB_COUNTS.map((count) => [String(count), perInterval.get(count)!.toFixed(2)]) },
    ],
    notes: [
      `Revocation: device A (one tab) signs device B (${REVOKED_TABS} tabs, each createSession({ sessionCheck: sessionCheck({ interval: ${INTERVAL} }) })) out through POST /auth/sessions/:id/revoke, at phases spread evenly over the interval. ` +
        `Access tokens live ${ACCESS_TOKEN_TTL} s here, so no refresh happens during the run: the session check alone notices. ` +
        "The time runs from A having the server's answer to the last of B's tabs emitting `logout` with reason `revoked` (Date.now() in each page, one machine). B signs in again for the next round.",
      `Requests: one device with 1, 4 and 10 visible tabs, interval ${COUNT_INTERVAL} s, counted by the server over ${COUNTED_INTERVALS} intervals (no focus changes). ` +
        'The tabs share one check per occasion through the Web Lock held for a short cooldown after each check, with interval ticks on the same wall-clock multiples in every tab.',
    ],
  };
}
