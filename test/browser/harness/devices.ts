// Devices in browser tests: each browser context is one device (its own cookies, vault,
// locks and channel), with tabs on the fixture page all running `window.session`. The
// device list and revocation are driven from a page, the way an app would, through
// `session.fetch` (credentials, CSRF header).
import type { BrowserContext, Page } from 'playwright-core';
import { openTabs, waitForState } from './browser.ts';
import { loggedOut, login, startSessions, type PageSessionOptions } from './sessions.ts';

export interface Device {
  readonly context: BrowserContext;
  readonly tabs: Page[];
}

export interface DeviceEntry {
  id: string;
  label: string;
  signedInAt: number;
  lastSeenAt: number;
  current: boolean;
}

/** `tabs` tabs of one device, signed in through the first, each with `window.outAt` set when it logs out. */
export async function signedInDevice(context: BrowserContext, pageUrl: string, tabs: number, options: PageSessionOptions): Promise<Device> {
  const pages = await openTabs(context, pageUrl, tabs);
  await startSessions(pages, options);
  await Promise.all(pages.map((page) => page.evaluate(() => window.session.on('logout', () => ((window as unknown as { outAt: number }).outAt = Date.now())))));
  await login(pages[0]!);
  await Promise.all(pages.map((page) => waitForState(page, 'authenticated')));
  return { context, tabs: pages };
}

/** The signed-in user's devices, as this page's device sees them. */
export function devicesSeenFrom(page: Page): Promise<DeviceEntry[]> {
  return page.evaluate(async () => (await window.session.http.get('/auth/sessions').json<{ sessions: DeviceEntry[] }>()).sessions);
}

/** POSTs to a device-management endpoint from this page; resolves with Date.now() once answered. */
export function postFrom(page: Page, path: string): Promise<number> {
  return page.evaluate(async (path) => {
    const response = await window.session.fetch(path, { method: 'POST' });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return Date.now();
  }, path);
}

/** Waits until every tab emitted `logout` (see loggedOut), and returns when each did (ms since the epoch, page clock = this machine's). */
export async function outTimes(tabs: readonly Page[]): Promise<number[]> {
  await Promise.all(tabs.map((tab) => loggedOut(tab, 15_000)));
  await Promise.all(tabs.map((tab) => waitForState(tab, 'unauthenticated')));
  return Promise.all(tabs.map((tab) => tab.evaluate(() => (window as unknown as { outAt: number }).outAt)));
}
