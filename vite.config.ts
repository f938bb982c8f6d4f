import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import pkg from './package.json' with { type: 'json' };

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
const external = [
  ...Object.keys(pkg.dependencies),
  ...Object.keys((pkg as { peerDependencies?: Record<string, string> }).peerDependencies ?? {}),
];

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: { index: 'src/index.ts', react: 'src/react/index.ts', vue: 'src/vue/index.ts' },
      formats: ['es'],
    },
    rolldownOptions: {
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
    },
  },
  plugins: [declarations()],
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
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
