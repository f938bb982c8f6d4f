// The size budget of issue 14. Bundle size is deterministic, so unlike the timings of
// `npm run bench` it is a test: the same apps, built the same way as the bench's section 1
// (Vite production build, minified, gzip -9, summed over the emitted JS files).
//
// The core app is the quickstart (`createSession()`, a login form, an API call, logout) with
// ky, idb-keyval and broadcast-channel included: at most 15.5 KiB gzip, everything the SDK
// does by default included. What only some apps need (the session check, the idle timeout,
// the logout purge, OpenID Connect, DPoP) is opt-in, made by a function the app imports, and
// must stay out of an app that does not import it: a feature in the core pays for itself.
import { beforeAll, describe, expect, it } from 'vitest';
import { measureTokenward } from '../../bench/sections/bundle.ts';

const KIB = 1024;
/** Issue 14's budget for the core app. */
const CORE_BUDGET_KIB = 15.5;

let sizes: Awaited<ReturnType<typeof measureTokenward>>;
beforeAll(async () => {
  sizes = await measureTokenward();
}, 60_000);

describe('bundle size budget', () => {
  it(`the core app (createSession quickstart with ky, idb-keyval and broadcast-channel) is at most ${CORE_BUDGET_KIB} KiB gzip`, () => {
    expect(sizes.core.gzip).toBeLessThanOrEqual(CORE_BUDGET_KIB * KIB);
  });

  it('the core app bundles none of the opt-in parts it does not import', () => {
    const optIn = /^src\/(sync\/(session-check|idle|link)|logout|oidc|dpop)\b/;
    expect(sizes.core.sources.length).toBeGreaterThan(0);
    expect(sizes.core.sources.filter((path) => optIn.test(path))).toEqual([]);
  });

  it('tokenward/react adds at most 0.5 KiB gzip to the same app in React', () => {
    expect(sizes.react.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });

  it('tokenward/vue adds at most 0.5 KiB gzip to the same app in Vue', () => {
    expect(sizes.vue.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });
});
