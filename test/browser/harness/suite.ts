// One call per browser test file: the reference server (serving the built fixture) and one
// Chromium for the whole file, a fresh browser context for every test.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../../demo/server/index.ts';
import { openTabs, type LaunchOptions } from './browser.ts';
import { launchBrowser } from './engine.ts';

export interface BrowserSuiteOptions {
  /** Passed to startReferenceServer; the built fixture dir is always served at '/'. */
  server?: ReferenceServerOptions;
  /** How the browser is launched (Chromium: the back/forward cache on). */
  launch?: LaunchOptions;
}

export interface BrowserSuite {
  /** The reference server (`url`, `control`), started in beforeAll. `control` is reset after each test. */
  readonly server: ReferenceServer;
  readonly browser: Browser;
  /** `${server.url}/index.html`: the fixture page. */
  readonly pageUrl: string;
  /** This test's own browser context (fresh storage, cookies, IndexedDB), created on first use. */
  context(): Promise<BrowserContext>;
  /** One more isolated context in this test: another user, another browser profile. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A tab on the fixture page with the SDK loaded and errors tracked (see trackErrors). Defaults to context(). */
  newTab(context?: BrowserContext): Promise<Page>;
  /** `n` such tabs, opened in parallel. */
  newTabs(n: number, context?: BrowserContext): Promise<Page[]>;
}

export function useBrowserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  let server: ReferenceServer | undefined;
  let browser: Browser | undefined;
  let defaultContext: Promise<BrowserContext> | undefined;
  const contexts = new Set<BrowserContext>();

  beforeAll(async () => {
    const serverOptions = options.server ?? {};
    // Chromium and the server start in parallel: most of the per-file overhead is the launch.
    [server, browser] = await Promise.all([
      startReferenceServer({
        ...serverOptions,
        staticDirs: [inject('fixtureDir'), ...(serverOptions.staticDirs ?? [])],
      }),
      launchBrowser(undefined, options.launch),
    ]);
  });

  // Per test, not per file: a context is a whole fresh profile, so nothing one test stores
  // (IndexedDB vault, cookies, locks, BroadcastChannel peers) can leak into the next. The
  // server's switches and counters go back to start-up too, so `stats()` counts this test only.
  afterEach(async () => {
    defaultContext = undefined;
    const open = [...contexts];
    contexts.clear();
    await Promise.all(open.map((context) => context.close()));
    server?.control.reset();
  });

  afterAll(async () => {
    // allSettled: a failed start of one must not leave the other running.
    await Promise.allSettled([browser?.close(), server?.close()]);
  });

  function started<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`useBrowserSuite: ${what} is only available inside tests and hooks`);
    return value;
  }

  const suite: BrowserSuite = {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get pageUrl() {
      return new URL('/index.html', suite.server.url).href;
    },
    async newContext(contextOptions) {
      const context = await suite.browser.newContext(contextOptions);
      contexts.add(context);
      return context;
    },
    context() {
      defaultContext ??= suite.newContext();
      return defaultContext;
    },
    async newTab(context) {
      const [page] = await suite.newTabs(1, context);
      return page!;
    },
    async newTabs(n, context) {
      return openTabs(context ?? (await suite.context()), suite.pageUrl, n);
    },
  };
  return suite;
}
