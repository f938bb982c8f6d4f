// `npm run soak`: hours of use in minutes (issue 24, point 5). The reference server (as shipped:
// strict rotation with its reuse grace window, SQLite) and real Chromium tabs on one profile, each
// calling the API every 200 ms, with access tokens of --token-ttl seconds, until the server has
// rotated the refresh token --rotations times. Meanwhile --reloads reloads and navigations (in
// turn), each fired the moment a tab's refresh request leaves, so that it lands while that refresh
// is under way. Tab 0 is never reloaded: its JS heap, after forced garbage collection, is measured
// after a warm-up and at the end. Ends with one line:
//   soak: rotations N, refresh calls N, reuse 0, sessions lost 0, api failures 0, heap growth X KiB per 1000 rotations
// and exits non-zero when reuse, sessions lost or API failures are above 0, or refresh calls differ
// from rotations. (Heap growth is reported; the bound, 100 KiB, is checked by whoever reads it.)
import { parseArgs } from 'node:util';
import type { BrowserContext, CDPSession, Page, Request } from 'playwright-core';
import { startReferenceServer, type ReferenceServer } from '../demo/server/index.ts';
import { launchChromium, trackErrors } from '../test/browser/harness/browser.ts';
import { buildPages } from './lib/pages.ts';

const { values } = parseArgs({
  options: {
    tabs: { type: 'string', default: '4' },
    'token-ttl': { type: 'string', default: '2' },
    rotations: { type: 'string', default: '300' },
    reloads: { type: 'string', default: '30' },
  },
});

function positive(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: an integer >= ${min}, not ${text}`);
  return value;
}

const TABS = positive('tabs', values.tabs, 2); // tab 0 is measured and never reloaded
const TOKEN_TTL = positive('token-ttl', values['token-ttl'], 1);
const ROTATIONS = positive('rotations', values.rotations, 10);
const RELOADS = positive('reloads', values.reloads, 0);
/** How often each tab calls the API (ms). */
const CALL_EVERY = 200;
/**
 * Rotations before the first heap measurement: by then the JIT has compiled and optimised the hot
 * code (its code objects are heap too) and the browser's resource-timing buffer (250 entries) is full.
 */
const WARM_UP = Math.min(100, Math.floor(ROTATIONS / 3));
/** A token lifetime yields at least one rotation; this leaves room for a slow machine. */
const LIMIT_MS = (ROTATIONS * TOKEN_TTL * 1000) / 0.4 + 60_000;

interface Tally {
  apiFailures: string[];
  sessionsLost: string[];
}

const tally: Tally = { apiFailures: [], sessionsLost: [] };

interface HeapReading {
  /** Runtime.getHeapUsage's usedSize: the whole V8 heap, compiled code included. */
  readonly used: number;
  /** The V8 heap's objects but compiled code (snapshot node type `code`), blink's native objects left out too. */
  readonly objects: number;
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
}

/**
 * The heap after forced garbage collections. Compiled code is told apart: the JIT goes on
 * compiling and recompiling hot functions long after the warm-up (in a 300-rotation run almost all
 * of the V8 heap's growth was code), which is no data kept per rotation. `objects` is what the
 * soak's line reports; `used` is printed beside it.
 */
async function heapAfterGc(cdp: CDPSession): Promise<HeapReading> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const chunks: string[] = [];
  const onChunk = ({ chunk }: { chunk: string }): void => void chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const { snapshot, nodes } = JSON.parse(chunks.join('')) as HeapSnapshot;
  const fields = snapshot.meta.node_fields;
  const [typeNames] = snapshot.meta.node_types;
  const [type, size] = [fields.indexOf('type'), fields.indexOf('self_size')];
  let objects = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const name = typeNames[nodes[i + type]!];
    if (name !== 'code' && name !== 'native') objects += nodes[i + size]!;
  }
  return { used: usedSize, objects };
}

/** Starts the page's session; a page load that comes up signed out lost its session. */
async function start(page: Page, what: string): Promise<void> {
  const status = await page.evaluate((every) => window.benchSoak.start(every), CALL_EVERY);
  if (status !== 'authenticated') tally.sessionsLost.push(`${what}: came up ${status}`);
}

async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  trackErrors(page);
  // Exposed once, it survives every reload and navigation of the page.
  await page.exposeFunction('soakReport', (kind: 'api-failure' | 'session-lost', detail: string) => {
    (kind === 'api-failure' ? tally.apiFailures : tally.sessionsLost).push(detail);
  });
  await page.goto(url);
  return page;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, deadline: number): Promise<void> {
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`soak: stalled waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const refreshPending = (server: ReferenceServer): boolean =>
  server.control.stats().requests.some((request) => request.path === '/auth/refresh' && request.status === 0);

/** KiB per 1000 rotations. */
interface HeapGrowth {
  readonly objects: number;
  readonly used: number;
}

async function soak(server: ReferenceServer, context: BrowserContext): Promise<HeapGrowth> {
  const url = new URL('/soak.html', server.url).href;
  const deadline = Date.now() + LIMIT_MS;
  const tabs = await Promise.all(Array.from({ length: TABS }, () => openTab(context, url)));
  await Promise.all(tabs.map((tab, i) => start(tab, `tab ${i}`)));
  // Before the login, every call fails for want of a session, as it should.
  await tabs[0]!.evaluate(() => window.benchSoak.login());
  await until(
    async () => (await Promise.all(tabs.map((tab) => tab.evaluate(() => window.benchSoak.status())))).every((s) => s === 'authenticated'),
    'every tab signed in',
    deadline,
  );
  tally.apiFailures.length = 0;
  tally.sessionsLost.length = 0; // signed out before the login: as it should be
  server.control.reset();

  // Reload k is armed once the server has rotated k/(RELOADS+1) of the way; it fires on the next
  // refresh request a reloadable tab sends, so that it lands while that refresh is under way.
  let reloadsDone = 0;
  let reloading: Promise<void> | null = null;
  const armedAt = (k: number): number => Math.floor(((k + 1) * ROTATIONS) / (RELOADS + 1));
  const reloadErrors: unknown[] = [];
  const onRequest = (request: Request): void => {
    if (reloading || reloadsDone >= RELOADS || !request.url().endsWith('/auth/refresh')) return;
    const page = request.frame().page();
    const index = tabs.indexOf(page);
    if (index <= 0 || server.control.stats().rotations < armedAt(reloadsDone)) return;
    const k = reloadsDone++;
    const navigate = k % 2 === 0 ? page.reload() : page.goto(`${url}?navigation=${k}`);
    reloading = navigate
      .then(() => start(page, `tab ${index} after ${k % 2 === 0 ? 'reload' : 'navigation'} ${k + 1}`))
      .catch((error: unknown) => void reloadErrors.push(error))
      .finally(() => (reloading = null));
  };
  context.on('request', onRequest);

  const cdp = await context.newCDPSession(tabs[0]!);
  await until(() => server.control.stats().rotations >= WARM_UP, 'the warm-up', deadline);
  const heapBefore = await heapAfterGc(cdp);
  const rotationsBefore = server.control.stats().rotations;
  await until(() => server.control.stats().rotations >= ROTATIONS && reloadsDone >= RELOADS && !reloading, `${ROTATIONS} rotations`, deadline);
  const heapAfter = await heapAfterGc(cdp);
  const rotationsAfter = server.control.stats().rotations;
  context.off('request', onRequest);
  if (reloadErrors.length > 0) throw new Error(`soak: a reload failed: ${String(reloadErrors[0])}`);

  await Promise.all(tabs.map((tab) => tab.evaluate(() => window.benchSoak.stop())));
  const statuses = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.benchSoak.status())));
  statuses.forEach((status, i) => status !== 'authenticated' && tally.sessionsLost.push(`tab ${i} ended ${status}`));
  const pageErrors = tabs.flatMap((tab) => trackErrors(tab));
  if (pageErrors.length > 0) throw new Error(`soak: the page reported errors:\n${pageErrors.slice(0, 5).join('\n')}`);
  // Counted between refreshes: one on the wire is a call whose rotation has not been counted yet.
  await until(() => !refreshPending(server), 'no refresh on the wire', Date.now() + 30_000);
  const per1000 = (bytes: number): number => (bytes / 1024 / (rotationsAfter - rotationsBefore)) * 1000;
  return { objects: per1000(heapAfter.objects - heapBefore.objects), used: per1000(heapAfter.used - heapBefore.used) };
}

const pages = await buildPages(['soak.html']);
let server: ReferenceServer | undefined;
try {
  const browser = await launchChromium(process.env.CHROME_PATH ?? '/usr/bin/chromium');
  try {
    server = await startReferenceServer({ accessTokenTtl: TOKEN_TTL, controls: true, staticDirs: [pages.dir] });
    const context = await browser.newContext();
    const heap = await soak(server, context);
    const stats = server.control.stats();
    await context.close();
    for (const failure of tally.apiFailures.slice(0, 10)) console.error(`[soak] api failure: ${failure}`);
    for (const lost of tally.sessionsLost.slice(0, 10)) console.error(`[soak] session lost: ${lost}`);
    console.error(`[soak] whole V8 heap (Runtime.getHeapUsage), compiled code included: ${heap.used.toFixed(1)} KiB per 1000 rotations`);
    console.log(
      `soak: rotations ${stats.rotations}, refresh calls ${stats.refreshCalls}, reuse ${stats.reuseDetections}, ` +
        `sessions lost ${tally.sessionsLost.length}, api failures ${tally.apiFailures.length}, heap growth ${heap.objects.toFixed(1)} KiB per 1000 rotations`,
    );
    const failed = stats.reuseDetections > 0 || tally.sessionsLost.length > 0 || tally.apiFailures.length > 0 || stats.refreshCalls !== stats.rotations;
    process.exitCode = failed ? 1 : 0;
  } finally {
    await browser.close();
  }
} finally {
  await server?.close();
  pages.remove();
}
