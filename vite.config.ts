import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import pkg from './package.json' with { type: 'json' };
import react18 from './test/react18/package.json' with { type: 'json' };

// Emit the .d.ts files with tsc itself once the bundle is written: the declarations are
// exactly what the type checker sees, with no extra plugin between us and TypeScript.
function declarations(): Plugin {
  return {
    name: 'tokenward:declarations',
    apply: 'build',
    closeBundle() {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    },
  };
}

// Everything we depend on or sit beside stays an import: the app's bundler dedupes it.
const external = [...Object.keys(pkg.dependencies), ...Object.keys((pkg as { peerDependencies?: Record<string, string> }).peerDependencies ?? {})];

// React 18 for the `bindings-react18` project, in its own package so that react-dom 18 finds
// react 18 beside it (next to the root's React 19 it would be a peer conflict npm refuses).
const react18Modules = fileURLToPath(new URL('test/react18/node_modules/', import.meta.url));

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: {
        index: 'src/index.ts',
        react: 'src/react/index.ts',
        vue: 'src/vue/index.ts',
        angular: 'src/angular/index.ts',
        svelte: 'src/svelte/index.ts',
        oidc: 'src/oidc/index.ts',
        dpop: 'src/dpop/index.ts',
      },
      formats: ['es'],
    },
    rolldownOptions: {
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      // Next.js App Router: server components may import the provider, as they do react-query's.
      // A banner rather than a directive in the source, which bundling does not promise to keep.
      output: { banner: (chunk) => (chunk.isEntry && chunk.name === 'react' ? "'use client';" : '') },
    },
  },
  plugins: [declarations()],
  test: {
    projects: [
      {
        // The Svelte binding's server rendering test compiles a component (svelte-ssr.test.ts).
        plugins: [svelte({ configFile: false })],
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        // The React bindings' unit tests again, on React 18: every `react` and `react-dom`
        // import (subpaths too), in the tests and in src/react alike, resolves to React 18.
        resolve: {
          alias: [{ find: /^react(-dom)?(\/.*)?$/, replacement: `${react18Modules}react$1$2` }],
        },
        test: {
          name: 'bindings-react18',
          environment: 'node',
          include: ['test/unit/bindings/react*.test.ts'],
          env: { TOKENWARD_TEST_REACT_VERSION: react18.dependencies.react },
        },
      },
      {
        // Type tests (*.test-d.ts): the public types as users meet them, checked by tsc, never run.
        test: {
          name: 'types',
          include: [],
          typecheck: { enabled: true, only: true, include: ['test/types/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
        },
      },
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          exclude: [...configDefaults.exclude],
          globalSetup: ['test/browser/harness/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
