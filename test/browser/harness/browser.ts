// Chromium for the browser tests: launch it, open tabs on the fixture page, collect page
// errors, and wait for session states without sleeping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { SessionState, SessionStatus } from '../../../src/index.ts';

/** Flags beyond Playwright's own (it adds --headless, --no-startup-window, --disable-extensions...). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', // containers, root: the setuid/namespace sandbox is not available
  '--disable-gpu',
  '--disable-quic', // plain HTTP/1.1 to 127.0.0.1 only; nothing else on the wire
  '--no-first-run',
  '--disable-background-networking', // no update checks, safe-browsing, etc. (no internet here)
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchOptions {
  /**
   * The back/forward cache on, as in a user's browser: Playwright turns it off by default
   * (--disable-back-forward-cache), so that page.goBack() always loads the page again.
   */
  bfcache?: boolean;
}

/**
 * Launch a headless Chromium (the path global-setup found, unless given). Its XDG config and
 * cache dirs point at a fresh temp folder, removed when the browser goes away: Debian's build
 * writes crash reports and caches under $HOME otherwise.
 */
export async function launchChromium(executablePath: string = inject('browserPath'), options: LaunchOptions = {}): Promise<Browser> {
  const xdg = mkdtempSync(join(tmpdir(), 'tokenward-chromium-'));
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      ...(options.bfcache && { ignoreDefaultArgs: ['--disable-back-forward-cache'] }),
      env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_CACHE_HOME: join(xdg, 'cache') },
    });
    // 'disconnected' fires on close() and on a crash alike, so the folder never outlives the browser.
    browser.on('disconnected', () => rmSync(xdg, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    rmSync(xdg, { recursive: true, force: true });
    throw error;
  }
}

export interface TrackErrorsOptions {
  /**
   * Also keep Chromium's own "Failed to load resource: ... 401" console lines. Off by default:
   * tests provoke 401s and 5xx on purpose, and those lines are network log, not page errors.
   */
  includeNetwork?: boolean;
}

const tracked = new WeakMap<Page, string[]>();

/**
 * Collect, into a live array, everything that means "the page went wrong": uncaught exceptions
 * and unhandled promise rejections (both arrive as `pageerror` in Chromium) and console.error
 * calls. Idempotent: calling it again for the same page returns the same array, so tabs opened
 * by `openTabs` already have it running from before navigation.
 */
export function trackErrors(page: Page, options: TrackErrorsOptions = {}): string[] {
  const existing = tracked.get(page);
  if (existing) return existing;
  const errors: string[] = [];
  tracked.set(page, errors);
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (!options.includeNetwork && text.startsWith('Failed to load resource:')) return;
    errors.push(`console.error: ${text}`);
  });
  page.on('crash', () => errors.push('crash: the renderer process crashed'));
  return errors;
}

/**
 * From now on the page allocates and drops objects every 5 ms, as a busy app does, so that
 * garbage collections run while a test waits: what a browser collects too early shows then.
 */
export function makeGarbage(page: Page): Promise<void> {
  return page.evaluate(() => {
    setInterval(() => {
      const garbage = [];
      for (let i = 0; i < 30_000; i++) garbage.push({ i, list: new Array(20).fill(i) });
    }, 5);
  });
}

/**
 * Open `n` tabs on `url` in `context`, in parallel, each with error tracking attached before
 * navigation and the SDK loaded (`window.tokenward` set) when this resolves.
 */
export async function openTabs(context: BrowserContext, url: string, n: number): Promise<Page[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const page = await context.newPage();
      trackErrors(page);
      await page.goto(url);
      // A module script runs before `load`, so this is normally already true: it is a check
      // that the bundle executed, with a clear failure instead of a later "undefined" deep in a test.
      await page.waitForFunction(() => typeof window.tokenward?.createSession === 'function', undefined, {
        timeout: 10_000,
      });
      return page;
    }),
  );
}

export interface WaitForStateOptions {
  /** The `window` property holding the session; default 'session'. */
  session?: string;
  timeout?: number;
}

/**
 * Wait until the page's session (`window.session` by default) is in a given status, or until a
 * predicate over its state holds, and return that state. The predicate runs in the page, so it
 * must be self-contained (no closure over Node-side variables): it is sent as source text.
 *
 *   await waitForState(page, 'authenticated');
 *   await waitForState(page, (s) => s.status === 'authenticated' && !s.refreshing);
 */
export async function waitForState(
  page: Page,
  want: SessionStatus | ((state: SessionState) => unknown),
  options: WaitForStateOptions = {},
): Promise<SessionState> {
  const predicate = typeof want === 'function' ? want.toString() : `(s) => s.status === ${JSON.stringify(want)}`;
  const name = JSON.stringify(options.session ?? 'session');
  // Re-evaluated by Playwright on every poll; yields the state itself once the predicate holds.
  const expression = `(() => {
    const session = window[${name}];
    const state = session && typeof session.getState === 'function' ? session.getState() : undefined;
    return state !== undefined && (${predicate})(state) ? state : undefined;
  })()`;
  // Interval polling, not requestAnimationFrame: rAF stops in a tab that is hidden.
  try {
    const handle = await page.waitForFunction(expression, undefined, { polling: 25, timeout: options.timeout ?? 10_000 });
    return (await handle.jsonValue()) as SessionState;
  } catch (error) {
    // A bare "Timeout 10000ms exceeded" says nothing; the state we got stuck in says a lot.
    const last = await page.evaluate(`JSON.stringify(window[${name}]?.getState?.())`).catch(() => 'unavailable (page closed?)');
    throw new Error(`waitForState(${typeof want === 'function' ? predicate : want}) failed; last state: ${String(last)}`, {
      cause: error,
    });
  }
}
