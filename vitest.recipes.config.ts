// `npm run test:recipes`: each framework recipe of docs/recipes, built with its own toolchain
// from the packed tarball and signed in against the reference server in Chromium. Apart from
// `npm test` because it builds whole apps (Next.js among them): minutes, not seconds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'recipes',
    environment: 'node',
    include: ['test/recipes/**/*.test.ts'],
    globalSetup: ['test/recipes/global-setup.ts'],
    // One recipe at a time: each build takes the machine's cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
