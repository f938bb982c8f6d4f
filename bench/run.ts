// `npm run bench`: every measurement of issue 8 in one run, printed as Markdown and written to
// BENCHMARKS.md. It measures and reports; a missed budget is a "no" in the table, never a
// failed run. It exits non-zero only when a section crashed (that section is reported as such).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReferenceServer } from '../demo/server/index.ts';
import { launchChromium } from '../test/browser/harness/browser.ts';
import type { BrowserBench } from './lib/bench-context.ts';
import { environmentLines } from './lib/environment.ts';
import { buildPages } from './lib/pages.ts';
import { repoRoot } from './lib/paths.ts';
import { markdownTable, sectionMarkdown, summaryTable, type SectionReport } from './lib/report.ts';
import { measureBundles } from './sections/bundle.ts';
import { measureDpop } from './sections/dpop.ts';
import { measureHotPath } from './sections/hot-path.ts';
import { measureLogout } from './sections/logout.ts';
import { measureOidc } from './sections/oidc.ts';
import { measureRefresh } from './sections/refresh.ts';
import { measureRestore } from './sections/restore.ts';
import { measureRotationThroughput } from './sections/rotation-throughput.ts';
import { measureSessionCheck } from './sections/session-check.ts';
import { measureVault } from './sections/vault.ts';

/** Short-lived tokens for section 6, which waits for several expiries; the other sections set their own lifetimes. */
const ACCESS_TOKEN_TTL = 2;

const BASELINES = [
  "**Bundle**: the other SDKs' quickstart apps, built the same way; the budget compares tokenward with a fixed 15 KiB, the table also with the leanest of them.",
  '**getAccessToken()**: a bare `await Promise.resolve(token)` in the same page and run, the cost of any promise-returning call that has nothing to do; and each other SDK\'s own "valid token" call.',
  '**Restore**: a page that does only what any encrypted restore must: one idb-keyval get of a {key, iv, ciphertext} record and one AES-GCM decrypt, reloaded alternately with the tokenward page.',
  '**Vault**: plain idb-keyval set/get of the same value, unencrypted, in the same page.',
  '**Cross-tab logout**: one native BroadcastChannel message between the same tabs (the floor for any cross-tab signal), and okta-auth-js and supabase auth-js doing their own sign-out in the same tab layout.',
  '**DPoP**: the same `session.fetch` with a bearer session in the same page and run; auth0-spa-js with `useDpop`, built like every app in section 1.',
  '**Refresh calls per rotation**: no baseline; the target is exactly one refresh call per rotation.',
  '**Session check**: no other SDK checks on its own; per-tab polling would send one request per tab per interval.',
  '**Rotation throughput**: the Redis store beside the SQLite store, one process each, alternating rounds of the same run.',
  '**OpenID Connect**: the OIDC app bundle beside oidc-client-ts, auth0-spa-js and okta-auth-js quickstart apps; provider refresh calls per rotation (target 1.00); callback-to-authenticated time, with no baseline.',
];

function chromiumPath(): string {
  return process.env.CHROME_PATH ?? '/usr/bin/chromium';
}

/** The `## Soak` section at the end of the file, if any: written by hand from `npm run soak` (bench/soak.ts), which this run does not repeat. */
function soakSection(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const at = text.search(/^## Soak$/m);
  return at < 0 ? '' : `\n${text.slice(at)}`;
}

function crashedSection(title: string, error: unknown): SectionReport {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return {
    title,
    summary: [{ measurement: title, tokenward: `not measured: crashed (${message})`, baseline: '–', ratio: '–', budget: '–', met: null, runs: '0' }],
    tables: [],
    notes: [`This section crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`],
  };
}

const sections: SectionReport[] = [];
let crashed = 0;
const started = performance.now();

async function attempt(title: string, measure: () => Promise<SectionReport>): Promise<void> {
  const sectionStart = performance.now();
  console.error(`[bench] ${title}…`);
  try {
    sections.push(await measure());
  } catch (error) {
    crashed++;
    console.error(`[bench] ${title} crashed:`, error);
    sections.push(crashedSection(title, error));
  }
  console.error(`[bench] ${title}: ${((performance.now() - sectionStart) / 1000).toFixed(1)} s`);
}

await attempt('1. Bundle cost', measureBundles);

const pages = await buildPages();
let chromium: string;
try {
  const [server, browser] = await Promise.all([
    startReferenceServer({ accessTokenTtl: ACCESS_TOKEN_TTL, controls: true, staticDirs: [pages.dir] }),
    launchChromium(chromiumPath()),
  ]);
  chromium = browser.version();
  const bench: BrowserBench = { browser, server };
  try {
    await attempt('2. getAccessToken() hot path', () => measureHotPath(bench));
    await attempt('3. Restore', () => measureRestore(bench));
    await attempt('4. Vault write/read', () => measureVault(bench));
    await attempt('5. Cross-tab logout', () => measureLogout(bench));
    await attempt('6. Refresh calls per rotation', () => measureRefresh(bench, ACCESS_TOKEN_TTL));
    await attempt('7. Session check', () => measureSessionCheck(bench));
    await attempt('9. OpenID Connect', () => measureOidc(bench, pages.dir));
    await attempt('10. DPoP', () => measureDpop(bench));
  } finally {
    await Promise.allSettled([browser.close(), server.close()]);
  }
} finally {
  pages.remove();
}
await attempt('8. Rotation throughput', measureRotationThroughput);

const markdown = [
  '# Benchmarks',
  'Written by `npm run bench` (bench/run.ts); run it again rather than editing this file. Benchmarks measure, they do not assert: ' +
    '"Met" says whether each budget from issue 8 holds in this run. The machines are shared and noisy, so the ratios to baselines measured in the same run are the figures that matter.',
  environmentLines(chromium)
    .map((line) => `- ${line}`)
    .join('\n') + `\n- Duration: ${((performance.now() - started) / 1000).toFixed(0)} s`,
  '## Summary',
  markdownTable(summaryTable(sections.flatMap((section) => section.summary))),
  '## Baselines',
  BASELINES.map((line) => `- ${line}`).join('\n'),
  '## Details',
  ...sections.map(sectionMarkdown),
].join('\n\n');

console.log(markdown);
writeFileSync(join(repoRoot, 'BENCHMARKS.md'), `${markdown}\n${soakSection(join(repoRoot, 'BENCHMARKS.md'))}`);
console.error(`[bench] wrote BENCHMARKS.md in ${((performance.now() - started) / 1000).toFixed(0)} s${crashed ? `; ${crashed} section(s) crashed` : ''}`);
process.exitCode = crashed > 0 ? 1 : 0;
