import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ReferenceServer } from '../../demo/server/index.ts';
import { trackErrors } from '../../test/browser/harness/browser.ts';

/** What the browser sections share: one Chromium, and the reference server serving the built bench pages. */
export interface BrowserBench {
  readonly browser: Browser;
  readonly server: ReferenceServer;
}

/**
 * Opens `count` tabs on a bench page in `context`, in parallel. Page errors are collected and
 * turned into an exception by `assertNoPageErrors`, so a broken page never yields silent numbers.
 */
export async function openPages(bench: BrowserBench, context: BrowserContext, page: string, count: number): Promise<Page[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const tab = await context.newPage();
      trackErrors(tab);
      await tab.goto(new URL(page, bench.server.url).href);
      return tab;
    }),
  );
}

export function assertNoPageErrors(pages: readonly Page[]): void {
  const errors = pages.flatMap((page) => trackErrors(page));
  if (errors.length > 0) throw new Error(`the bench page reported errors:\n${errors.slice(0, 5).join('\n')}`);
}
