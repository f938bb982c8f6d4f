// The size budget (issue 22). Bundle size is deterministic, so unlike the timings of
// `npm run bench` it is a test: the same apps, built the same way as the bench's section 1
// (Vite production build, minified, gzip -9, summed over the emitted JS files).
//
// The core app is the quickstart (`createSession()`, a login form, an API call, logout) with
// ky, idb-keyval and broadcast-channel included, everything the SDK does by default included.
// What only some apps need (the session check, the idle timeout, OpenID Connect, DPoP) is
// opt-in, made by a function the app imports, and must stay out of an app that does not import it.
//
// Issue 14 had asked for 15.5 KiB, which the logout purge (about 1.0 KiB, the product's promise
// of a logout that leaves nothing) and broadcast-channel (which the product brief names) rule
// out. Issue 22 withdrew that goal and made this guard the budget: the core app at most 16.5 KiB
// gzip in this measure (16,806 B after issue 22's engine split), the OIDC app at most 1.5 times
// oidc-client-ts (reported by `npm run bench`), and every new feature opt-in and tree-shaken
// unless it belongs to the core promise (refresh, vault, sync, logout that leaves nothing).
import { beforeAll, describe, expect, it } from 'vitest';
import { measureTokenward } from '../../bench/sections/bundle.ts';

const KIB = 1024;
/** Issue 22's budget for the core app. */
const CORE_BUDGET_KIB = 16.5;

let sizes: Awaited<ReturnType<typeof measureTokenward>>;
beforeAll(async () => {
  sizes = await measureTokenward();
}, 60_000);

describe('bundle size budget', () => {
  it(`the core app (createSession quickstart with ky, idb-keyval and broadcast-channel) is at most ${CORE_BUDGET_KIB} KiB gzip`, () => {
    expect(sizes.core.gzip).toBeLessThanOrEqual(CORE_BUDGET_KIB * KIB);
  });

  it('the core app bundles none of the opt-in parts it does not import', () => {
    const optIn = /^src\/(sync\/(session-check|idle)|oidc|dpop)\b/;
    expect(sizes.core.sources.length).toBeGreaterThan(0);
    expect(sizes.core.sources.filter((path) => optIn.test(path))).toEqual([]);
  });

  it('tokenward/react adds at most 0.5 KiB gzip to the same app in React', () => {
    expect(sizes.react.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });

  it('tokenward/vue adds at most 0.5 KiB gzip to the same app in Vue', () => {
    expect(sizes.vue.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });

  it('tokenward/angular (provider, signal, interceptor and guard) adds at most 1 KiB gzip to the same app in Angular', () => {
    expect(sizes.angular.gzip).toBeLessThanOrEqual(KIB);
  });

  it('tokenward/svelte adds at most 1 KiB gzip to the same app beside Svelte', () => {
    expect(sizes.svelte.gzip).toBeLessThanOrEqual(KIB);
  });
});
