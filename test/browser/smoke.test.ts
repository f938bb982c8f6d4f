// The harness itself works: the engine launches (Chromium with our flags), the reference server serves the
// bundled fixture, and the page offers every platform API the SDK builds on.
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, trackErrors } from './harness/browser.ts';
import { ENGINE } from './harness/engine.ts';
import { useBrowserSuite } from './harness/suite.ts';

describe('browser harness smoke', () => {
  const h = useBrowserSuite();

  it('loads the bundled SDK in a secure context with the platform APIs it needs', async () => {
    const page = await h.newTab();
    const errors = trackErrors(page);

    const env = await page.evaluate(() => ({
      createSession: typeof window.tokenward.createSession,
      dumpAllStorage: typeof window.twTest.dumpAllStorage,
      secure: window.isSecureContext,
      indexedDB: typeof indexedDB?.open === 'function',
      subtle: typeof crypto.subtle?.encrypt === 'function',
      locks: typeof navigator.locks?.request === 'function',
      broadcastChannel: typeof BroadcastChannel === 'function',
    }));
    expect(env).toEqual({
      createSession: 'function',
      dumpAllStorage: 'function',
      secure: true,
      indexedDB: true,
      subtle: true,
      locks: true,
      broadcastChannel: true,
    });

    const dump = await page.evaluate(() => window.twTest.dumpAllStorage());
    expect(dump).toMatchObject({ localStorage: {}, sessionStorage: {}, indexedDB: [], caches: [] });
    expect(errors).toEqual([]);
  });

  it(`runs ${ENGINE}, the engine TOKENWARD_ENGINE asks for (Chromium with the harness flags)`, async () => {
    const page = await (await h.context()).newPage();
    if (ENGINE !== 'chromium') {
      const userAgent = await page.evaluate(() => navigator.userAgent);
      expect(userAgent).toMatch(ENGINE === 'firefox' ? /Firefox\// : /AppleWebKit\/.*Safari\/(?!.*Chrome\/)/);
      return;
    }
    await page.goto('chrome://version');
    const commandLine = await page.locator('#command_line').innerText();
    for (const flag of [...CHROMIUM_ARGS, '--headless']) expect(commandLine).toContain(flag);
  });
});
