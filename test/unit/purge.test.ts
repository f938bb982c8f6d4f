// The parts of the logout purge that need no browser: where a cookie may live, and that the
// purge is a no-op (and no crash) in Node. The purge itself is tested in test/browser/purge.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { domainVariants, pathVariants } from '../../src/logout/cookies.ts';
import { purgeClientStorage } from '../../src/logout/purge.ts';

describe('pathVariants', () => {
  it('lists every path a cookie readable at this path can have, with and without the trailing slash', () => {
    expect(pathVariants('/a/b/page')).toEqual(['/', '/a', '/a/', '/a/b', '/a/b/', '/a/b/page']);
    expect(pathVariants('/a/')).toEqual(['/', '/a', '/a/']);
    expect(pathVariants('/')).toEqual(['/']);
  });

  it('leaves out a path a cookie cannot be written with', () => {
    expect(pathVariants('/a;b/c')).toEqual(['/']);
  });
});

describe('domainVariants', () => {
  it('lists host-only and the host by default', () => {
    expect(domainVariants('app.example.com')).toEqual([undefined, 'app.example.com']);
  });

  it('adds each parent domain when asked, but not the top-level label', () => {
    expect(domainVariants('app.example.com', true)).toEqual([undefined, 'app.example.com', 'example.com']);
  });

  it('has only host-only cookies for a single label or an IP address', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) expect(domainVariants(host, true)).toEqual([undefined]);
  });
});

describe('purgeClientStorage outside a browser', () => {
  it('does nothing and reports nothing', async () => {
    const failed = vi.fn();
    await purgeClientStorage({ localStorage: true, sessionStorage: true, indexedDB: 'all', caches: true, cookies: true, serviceWorkers: true }, [], [], failed);
    expect(failed).not.toHaveBeenCalled();
  });
});

describe('purgeClientStorage on Cache Storage wiped under it', () => {
  afterEach(() => void vi.unstubAllGlobals());
  const cachesOnly = { localStorage: false, sessionStorage: false, indexedDB: false, cookies: false, caches: true } as const;

  /** Cache Storage whose first `keys()` calls reject as Firefox's do while a Clear-Site-Data wipe runs. */
  function stubCaches(abortedCalls: number): { deleted: string[] } {
    const deleted: string[] = [];
    let calls = 0;
    vi.stubGlobal('document', {});
    vi.stubGlobal('caches', {
      keys: () => (++calls <= abortedCalls ? Promise.reject(new Error('Abort (NS_ERROR_ABORT)')) : Promise.resolve(['app-v1'])),
      delete: (name: string) => Promise.resolve(void deleted.push(name)),
    });
    return { deleted };
  }

  it('takes a second pass after an aborted one, and reports nothing when it clears what is left', async () => {
    const { deleted } = stubCaches(1);
    const failed = vi.fn();
    await purgeClientStorage(cachesOnly, [], [], failed);
    expect(failed).not.toHaveBeenCalled();
    expect(deleted).toEqual(['app-v1']);
  });

  it('reports the step once when the second pass fails too', async () => {
    const { deleted } = stubCaches(2);
    const steps: string[] = [];
    await purgeClientStorage(cachesOnly, [], [], (step) => steps.push(step));
    expect(steps).toEqual(['caches']);
    expect(deleted).toEqual([]);
  });
});
