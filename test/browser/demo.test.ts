// The demo as a person gets it: `npm run demo` (build the page, start the server), then the
// page in real Chromium: sign in through the form, a silent refresh in the log, a second tab
// on the same session, and a logout that signs every tab out.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerStats } from '../../demo/server/index.ts';
import type { OidcDemoConfig } from '../../demo/oidc/config.ts';
import { trackErrors } from './harness/browser.ts';
import { launchBrowser } from './harness/engine.ts';
import { fillProviderPages } from './harness/oidc.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const artifacts = join(repoRoot, 'test-artifacts');

interface Demo {
  process: ChildProcess;
  url: string;
}

/**
 * Runs `npm run demo` exactly as a person would, on a free port and a throwaway database, and
 * resolves with the URL it prints. Its own process group, so that npm, tsx and node all stop together.
 */
function startDemo(database: string): Promise<Demo> {
  const child = spawn('npm', ['run', 'demo'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', DEMO_DB: database },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /tokenward demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1]) resolve({ process: child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`npm run demo exited (${code}) before printing its URL:\n${output}`)));
  });
}

async function stopDemo(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const forced = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}

async function control(url: string, path: string, body: object): Promise<void> {
  const response = await fetch(`${url}/__test__/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
}

async function stats(url: string): Promise<ServerStats> {
  return (await fetch(`${url}/__test__/stats`)).json() as Promise<ServerStats>;
}

/** A JWT in any readable form: three base64url parts, the first one a JSON object. */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/;
const logEntries = (page: Page, selector = '', options?: { hasText: string }) => page.locator(`#log > li${selector}`, options);

describe('the demo (npm run demo, real Chromium)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokenward-demo-'));
  let demo: Demo | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(join(dataDir, 'demo.sqlite')), launchBrowser()]);
  });

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), demo && stopDemo(demo.process)]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in through the form, refreshes silently, shares the session with a new tab and logs out everywhere', async () => {
    const { url } = demo!;
    // Short-lived tokens, so that a silent refresh happens within seconds of signing in.
    await control(url, 'ttl', { seconds: 3 });

    const context: BrowserContext = await browser!.newContext({ viewport: { width: 1360, height: 1000 } });
    const errors: string[][] = [];
    // Every tab, the one the page opens included, is watched from its first script on.
    context.on('page', (page) => errors.push(trackErrors(page)));

    const first = await context.newPage();
    await first.goto(`${url}/`);
    await first.locator('#status[data-status="unauthenticated"]').waitFor();

    await first.fill('#username', 'alice');
    await first.fill('#password', 'wonderland');
    await first.click('#sign-in');
    await first.locator('#status[data-status="authenticated"]').waitFor();
    expect(await first.textContent('#status-text')).toBe('Signed in as alice');
    await logEntries(first, '[data-event="login"]').waitFor();

    // With a 3 s token the SDK refreshes about 1.5 s after signing in.
    await logEntries(first, '[data-event="refresh"]').first().waitFor({ timeout: 10_000 });
    expect(await logEntries(first, '[data-event="error"]').count()).toBe(0);

    // The page's own button opens the second tab; it restores the session from the vault.
    const [second] = await Promise.all([context.waitForEvent('page'), first.click('#open-tab')]);
    await second.waitForLoadState();
    await second.locator('#status[data-status="authenticated"]').waitFor();
    await logEntries(second, '[data-event="restore"]').waitFor();
    expect(await second.textContent('#status-text')).toBe('Signed in as alice');
    expect((await stats(url)).loginCalls).toBe(1);

    // What IndexedDB holds: a non-extractable key and ciphertext, never the token.
    await first.locator('.record[data-key="key"] .refused').waitFor();
    await first.locator('.record[data-key="session"] .hex').first().waitFor();
    expect(await first.locator('#vault').textContent()).not.toMatch(JWT);

    mkdirSync(artifacts, { recursive: true });
    await first.screenshot({ path: join(artifacts, 'demo.png'), fullPage: true });

    await second.click('#logout');
    await second.locator('#status[data-status="unauthenticated"]').waitFor();
    await logEntries(second, '[data-event="logout"][data-code="user"]').waitFor();
    await first.locator('#status[data-status="unauthenticated"]').waitFor();
    await logEntries(first, '[data-event="logout"][data-code="other-tab"]').waitFor();
    expect(await first.textContent('#status-text')).toBe('Signed out');

    // Neither tab shows a raw token anywhere on the page.
    for (const page of [first, second]) expect(await page.locator('body').textContent()).not.toMatch(JWT);
    expect(errors.flat()).toEqual([]);
    await context.close();
  });

  it('the devices panel signs out another browser profile, whose tabs leave with reason revoked', async () => {
    const { url } = demo!;
    await control(url, 'reset', {});
    const errors: string[][] = [];
    const signedIn = async (): Promise<Page> => {
      const context = await browser!.newContext({ viewport: { width: 1360, height: 1000 } });
      const page = await context.newPage();
      errors.push(trackErrors(page));
      await page.goto(`${url}/`);
      await page.click('#sign-in'); // the form comes filled in with the demo account
      await page.locator('#status[data-status="authenticated"]').waitFor();
      return page;
    };
    const laptop = await signedIn();
    const phone = await signedIn();
    await laptop.click('#reload-devices');
    await laptop.locator('#devices .device[data-current="false"]').waitFor();
    expect(await laptop.locator('#devices .device').count()).toBe(2);
    await laptop.locator('#devices .device[data-current="false"] button').click();
    // The demo checks every 5 s.
    await phone.locator('#status[data-status="unauthenticated"]').waitFor({ timeout: 10_000 });
    await logEntries(phone, '[data-event="logout"][data-code="revoked"]').waitFor();
    expect(await laptop.textContent('#status-text')).toBe('Signed in as alice');
    expect(await laptop.locator('#devices .device').count()).toBe(1);
    expect(errors.flat()).toEqual([]);
    await Promise.all([laptop.context().close(), phone.context().close()]);
  });

  // The framework examples, linked from the main page: the same session, through each binding.
  it.each(['react', 'vue', 'angular'])('the %s example signs in, calls the API and logs out, in step with the main page', async (example) => {
    const { url } = demo!;
    await control(url, 'reset', {}); // default token lifetime, and counters for this test only

    const context = await browser!.newContext({ viewport: { width: 1100, height: 700 } });
    const errors: string[][] = [];
    context.on('page', (page) => errors.push(trackErrors(page)));

    const main = await context.newPage();
    await main.goto(`${url}/`);
    await main.locator('#status[data-status="unauthenticated"]').waitFor();
    // Linked from the main page, and linking back to it.
    await main.locator(`nav.examples a[href="./${example}.html"]`).waitFor();
    const page = await context.newPage();
    await page.goto(`${url}/${example}.html`);
    await page.locator('nav.examples a[href="./"]').waitFor();
    await page.locator('#status[data-status="unauthenticated"]').waitFor();

    // The form comes filled in with the demo account.
    await page.click('#sign-in');
    await page.locator('#status[data-status="authenticated"]').waitFor();
    expect(await page.textContent('#status-text')).toBe('Signed in as alice');
    expect(await page.locator('#claims dd').allTextContents()).toEqual(['alice', expect.stringMatching(/^\d+(\.\d+)? \(.+\)$/)]);
    // The main page follows, from the shared vault and channel: no second login.
    await main.locator('#status[data-status="authenticated"]').waitFor();

    await page.click('#call-api');
    await page.locator('#api-answer', { hasText: '200 {"user":"alice"' }).waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `demo-${example}.png`), fullPage: true });
    expect(await page.locator('body').textContent()).not.toMatch(JWT);

    const serverLogout = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/logout');
    await page.click('#logout');
    await page.locator('#login-form').waitFor();
    expect(await page.textContent('#status-text')).toBe('Signed out');
    expect((await serverLogout).status()).toBe(204);
    await logEntries(main, '[data-event="logout"][data-code="other-tab"]').waitFor();

    expect(await stats(url)).toMatchObject({ loginCalls: 1, apiCalls: 1, logoutCalls: 1 });
    expect(errors.flat()).toEqual([]);
    await context.close();
  });

  it('the OIDC page signs in at the local provider, calls the API on its own origin and logs out', async () => {
    const { url } = demo!;
    const config = (await (await fetch(`${url}/oidc-config.json`)).json()) as OidcDemoConfig;
    const context = await browser!.newContext({ viewport: { width: 1360, height: 900 } });
    const errors: string[][] = [];
    context.on('page', (page) => errors.push(trackErrors(page)));
    const main = await context.newPage();
    await main.goto(`${url}/`);
    await main.click('nav.examples a[href="./oidc.html"]');
    await main.locator('#status[data-status="unauthenticated"]').waitFor();

    await main.click('#sign-in');
    await fillProviderPages(main, config.issuer, 'alice');
    await main.locator('#status[data-status="authenticated"]').waitFor();
    expect(await main.textContent('#status-text')).toBe('Signed in as alice');
    await logEntries(main, '[data-event="restore"]').waitFor();
    expect(new URL(main.url()).search).toBe('');

    await main.click('#call-api');
    await logEntries(main, '[data-event="api"]', { hasText: '→ 200' }).waitFor();
    mkdirSync(artifacts, { recursive: true });
    await main.screenshot({ path: join(artifacts, 'demo-oidc.png'), fullPage: true });
    expect(await main.locator('body').textContent()).not.toMatch(JWT);

    await main.click('#logout');
    await main.locator('#status[data-status="unauthenticated"]').waitFor();
    expect(errors.flat()).toEqual([]);
    await context.close();
  });
});
