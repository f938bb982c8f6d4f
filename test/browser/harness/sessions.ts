// Sessions in test pages: `window.session` created the same way in every tab, with its events
// recorded in `window.twEvents` as short strings ('login:other-tab', 'logout:idle', 'error:network').
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ReferenceServer } from '../../../demo/server/index.ts';
import type { IdleTimeoutOptions, Session, SessionCheckOptions, SessionOptions } from '../../../src/index.ts';
import type { OidcOptions } from '../../../src/oidc/index.ts';

/**
 * Session options as a test hands them to a page: plain data, with `sessionCheck` and
 * `idleTimeout` as the arguments of the functions that make them (`sessionCheck(options)`,
 * `idleTimeout(seconds, options)`), which the page calls.
 */
export type PageSessionOptions = Omit<SessionOptions, 'sessionCheck' | 'idleTimeout'> & {
  sessionCheck?: SessionCheckOptions;
  idleTimeout?: [seconds: number, options?: IdleTimeoutOptions];
};

/**
 * Creates `window.session` (encrypted IndexedDB storage unless told otherwise) in each page and
 * waits for `ready`. With `oidc` (on the OIDC fixture page), its flow is `oidc(oidc)`, kept as `window.oidcFlow`.
 * With `dpop` (on the DPoP fixture page), the session gets the page's `dpop` from tokenward/dpop.
 */
export async function startSessions(pages: readonly Page[], options: PageSessionOptions = {}, oidc?: OidcOptions, dpop = false): Promise<void> {
  await Promise.all(
    pages.map((page) =>
      page.evaluate(
        async ({ options: { sessionCheck, idleTimeout, ...options }, oidc, dpop }) => {
          const { tokenward } = window;
          const flow = oidc && (window.oidcFlow = window.tokenwardOidc.oidc(oidc));
          // The OIDC session takes no login credentials; the recorders below treat both alike.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
          window.session = tokenward.createSession({
            storage: 'indexeddb',
            ...options,
            ...(flow && { flow }),
            ...(dpop && { dpop: window.twDpop.dpop }),
            ...(sessionCheck && { sessionCheck: tokenward.sessionCheck(sessionCheck) }),
            ...(idleTimeout && { idleTimeout: tokenward.idleTimeout(...idleTimeout) }),
          }) as Session;
          const events: string[] = [];
          window.twEvents = events;
          const on = window.session.on.bind(window.session);
          on('login', ({ source }) => events.push(`login:${source}`));
          on('refresh', ({ source }) => events.push(`refresh:${source}`));
          on('logout', ({ reason }) => events.push(`logout:${reason}`));
          on('error', ({ error }) => events.push(`error:${error.code}`));
          // The errors themselves, for what a string leaves out (the provider's OAuth error).
          window.twErrors = [];
          on('error', ({ error }) => window.twErrors.push({ code: error.code, message: error.message, oauthError: error.oauthError }));
          on('expired', () => events.push('expired'));
          on('storage-corrupted', () => events.push('storage-corrupted'));
          on('idle-warning', () => events.push('idle-warning'));
          await window.session.ready;
        },
        { options, oidc, dpop },
      ),
    ),
  );
}

/** The events recorded in the page so far. */
export function eventsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => [...window.twEvents]);
}

/**
 * Waits until the page emitted `logout`, and returns its events. The state says unauthenticated
 * at once; the event comes once the tab is clean, so read the events after this, not after the state.
 */
export async function loggedOut(page: Page, timeout = 10_000): Promise<string[]> {
  await page.waitForFunction(() => window.twEvents.some((line) => line.startsWith('logout')), undefined, { polling: 25, timeout });
  return eventsOf(page);
}

/** Logs in as the reference server's user. */
export function login(page: Page): Promise<void> {
  return page.evaluate(() => window.session.login({ username: 'alice', password: 'wonderland' }));
}

/**
 * Waits until the server answered a logout call: `logout()` resolves once the tab is clean,
 * while its keepalive call to the server may still be on the way.
 */
export async function serverLoggedOut(server: ReferenceServer): Promise<void> {
  await expect.poll(() => server.control.stats().requests.some((r) => r.path.endsWith('/logout') && r.status !== 0)).toBe(true);
}

/**
 * Every page calls `url` through `session.fetch` every `every` ms for `runFor` ms, all at once:
 * what busy tabs do. Resolves each page's count of 200s, the other outcomes, and its status at the end.
 */
export function callApiFor(pages: readonly Page[], url: string, runFor: number, every = 50): Promise<Array<{ ok: number; failed: string[]; status: string }>> {
  return Promise.all(
    pages.map((page) =>
      page.evaluate(
        async ({ url, runFor, every }) => {
          const failed: string[] = [];
          let ok = 0;
          const end = Date.now() + runFor;
          while (Date.now() < end) {
            const status = await window.session.fetch(url).then(
              (r) => r.status,
              (e: unknown) => String(e),
            );
            if (status === 200) ok++;
            else failed.push(String(status));
            await new Promise((resolve) => setTimeout(resolve, every));
          }
          return { ok, failed, status: window.session.getState().status };
        },
        { url, runFor, every },
      ),
    ),
  );
}

/** What busy tabs over 5+ token lifetimes must show: every call answered, every tab signed in, no reuse, one refresh per rotation (never one per tab). */
export function expectOneRefreshPerRotation(
  results: ReadonlyArray<{ failed: string[]; status: string }>,
  stats: { reuseDetections: number; rotations: number; refreshCalls: number },
): void {
  for (const result of results) expect(result).toMatchObject({ failed: [], status: 'authenticated' });
  expect(stats.reuseDetections).toBe(0);
  expect(stats.rotations).toBeGreaterThanOrEqual(5);
  expect(stats.refreshCalls).toBeLessThanOrEqual(stats.rotations + 1);
}
