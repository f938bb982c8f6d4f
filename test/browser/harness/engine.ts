// The one seam between the browser tests and the browser engine. Every test drives pages through
// Playwright's API (Browser, BrowserContext, Page); which engine stands behind it is chosen once,
// here, by TOKENWARD_ENGINE:
//   chromium (default)  Debian's Chromium through Playwright (CDP)
//   firefox             Debian's firefox-esr through Playwright's WebDriver BiDi client
//   webkit              WebKitWebDriver (WebKitGTK, Safari's engine) through ./webdriver.ts, an
//                       adapter that implements the part of Playwright's API the tests use
import type { Browser } from 'playwright-core';
import { firefox } from 'playwright-core';
import { inject, it, type TestFunction } from 'vitest';
import { launchChromium, type LaunchOptions } from './browser.ts';
import { launchWebKit } from './webdriver.ts';

export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINES)[number];

function engineFromEnv(): EngineName {
  const name = process.env.TOKENWARD_ENGINE ?? 'chromium';
  if (!(ENGINES as readonly string[]).includes(name)) throw new Error(`TOKENWARD_ENGINE=${name}: expected one of ${ENGINES.join(', ')}`);
  return name as EngineName;
}

/** The engine this run of the browser project drives. */
export const ENGINE: EngineName = engineFromEnv();

/**
 * Firefox ESR's BiDi lags the Nightly that Playwright targets: a command it does not know yet
 * answers "unknown command" and Playwright fails the whole context. The ones listed only set
 * up emulation the tests never ask for (prefers-color-scheme), so they become no-ops; anything
 * else still fails loudly. Reached through Playwright's in-process `toImpl`, its own test hook.
 */
const FIREFOX_OPTIONAL_COMMANDS = new Set(['emulation.setMediaFeaturesOverride']);

interface BidiSessionLike {
  send(method: string, params: unknown): Promise<unknown>;
}

function tolerateOptionalBidiCommands(browser: Browser): void {
  const connection = (browser as unknown as { _connection: { toImpl(object: unknown): { _browserSession: BidiSessionLike } } })._connection;
  const session = Object.getPrototypeOf(connection.toImpl(browser)._browserSession) as BidiSessionLike & { tolerant?: true };
  if (session.tolerant) return;
  const send = session.send;
  session.send = async function (this: BidiSessionLike, method, params) {
    try {
      return await send.call(this, method, params);
    } catch (error) {
      if (FIREFOX_OPTIONAL_COMMANDS.has(method) && String(error).includes('unknown command')) return {};
      throw error;
    }
  };
  session.tolerant = true;
}

async function launchFirefox(executablePath: string): Promise<Browser> {
  // The `moz-` channel selects Playwright's BiDi client for a stock Firefox (no Juggler patches).
  const browser = await firefox.launch({ channel: 'moz-firefox', executablePath, headless: true });
  tolerateOptionalBidiCommands(browser);
  return browser;
}

/** A fresh browser of this run's engine; close() it when done. `options` apply to Chromium only. */
export function launchBrowser(executablePath: string = inject('browserPath'), options?: LaunchOptions): Promise<Browser> {
  if (ENGINE === 'firefox') return launchFirefox(executablePath);
  if (ENGINE === 'webkit') return launchWebKit(executablePath);
  return launchChromium(executablePath, options);
}

/**
 * `it`, except in the engines named, where the test is skipped with the reason in its name:
 * explicit in the source, counted as skipped in the report. Only for what an engine really
 * lacks (the README's support table lists each one), never to make an engine green.
 *
 *   exceptIn({ webkit: 'no service workers in WebKitGTK automation' })('unregisters ...', async () => {...});
 */
export function exceptIn(reasons: Partial<Record<EngineName, string>>) {
  const reason = reasons[ENGINE];
  return (name: string, fn: TestFunction, timeout?: number): void => {
    if (reason === undefined) it(name, fn, timeout);
    else it.skip(`${name} [skipped in ${ENGINE}: ${reason}]`, fn, timeout);
  };
}
