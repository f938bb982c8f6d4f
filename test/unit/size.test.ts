// The size budget of issue 14. Bundle size is deterministic, so unlike the timings of
// `npm run bench` it is a test: the same apps, built the same way as the bench's section 1
// (Vite production build, minified, gzip -9).
//
// Issue 14 asks for at most 15.5 KiB for the core app; with hardening, session check, the OIDC
// seam and the DPoP wiring it measures 17.13 KiB (17,543 B), and that target is not met yet
// (the bench's table says so). Until it is, this cap stops the core from growing any further:
// a change that adds bytes must win them back elsewhere. Lower it as bytes are won back.
import { beforeAll, describe, expect, it } from 'vitest';
import { measureTokenward } from '../../bench/sections/bundle.ts';

const KIB = 1024;
/** Today's core app plus a margin of about 100 B; the goal remains 15.5 KiB. */
const CORE_CAP_KIB = 17.25;

let sizes: Awaited<ReturnType<typeof measureTokenward>>;
beforeAll(async () => {
  sizes = await measureTokenward();
}, 60_000);

describe('bundle size budget', () => {
  it(`the core app (createSession quickstart with ky, idb-keyval and broadcast-channel) is at most ${CORE_CAP_KIB} KiB gzip`, () => {
    expect(sizes.core.gzip).toBeLessThanOrEqual(CORE_CAP_KIB * KIB);
  });

  it('tokenward/react adds at most 0.5 KiB gzip to the same app in React', () => {
    expect(sizes.react.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });

  it('tokenward/vue adds at most 0.5 KiB gzip to the same app in Vue', () => {
    expect(sizes.vue.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });
});
