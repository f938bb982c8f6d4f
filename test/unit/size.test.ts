// The size budget of issue 14. Bundle size is deterministic, so unlike the timings of
// `npm run bench` it is a test: the same apps, built the same way as the bench's section 1
// (Vite production build, minified, gzip -9).
import { beforeAll, describe, expect, it } from 'vitest';
import { measureTokenward } from '../../bench/sections/bundle.ts';

const KIB = 1024;

let sizes: Awaited<ReturnType<typeof measureTokenward>>;
beforeAll(async () => {
  sizes = await measureTokenward();
}, 60_000);

describe('bundle size budget', () => {
  it('the core app (createSession quickstart with ky, idb-keyval and broadcast-channel) is at most 15.5 KiB gzip', () => {
    expect(sizes.core.gzip).toBeLessThanOrEqual(15.5 * KIB);
  });

  it('tokenward/react adds at most 0.5 KiB gzip to the same app in React', () => {
    expect(sizes.react.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });

  it('tokenward/vue adds at most 0.5 KiB gzip to the same app in Vue', () => {
    expect(sizes.vue.gzip).toBeLessThanOrEqual(0.5 * KIB);
  });
});
