// Runs once per `vitest run --project browser`, in the main Vitest process, before any test
// file: find (or install) the engine's browser (see engine.ts) and bundle the fixture page, then
// hand both paths to the test workers through `project.provide` / `inject`. The Angular page is
// built with Angular's compiler (angular-build.ts), the Svelte page with Svelte's Vite plugin.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { buildAngularApp } from './angular-build.ts';
import { ENGINE, type EngineName } from './engine.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** Absolute path of what the tests launch: Chromium, Firefox, or WebKitWebDriver (per TOKENWARD_ENGINE). */
    browserPath: string;
    /** Absolute path of the built fixture site (index.html + assets), served by the reference server. */
    fixtureDir: string;
  }
}

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const fixtureSrc = join(repoRoot, 'test/browser/fixture');
// One folder per run: runs side by side (several engineers, a watch mode) must never serve
// each other a half-written bundle.
const fixtureOut = join(repoRoot, '.test-dist', `run-${process.pid}`);

/** Per engine: the variable that overrides the path, Debian's path, and the package that provides it. */
const BROWSERS: Record<EngineName, { env: string; path: string; apt: string; what: string }> = {
  chromium: { env: 'CHROME_PATH', path: '/usr/bin/chromium', apt: 'chromium', what: 'Chromium' },
  firefox: { env: 'FIREFOX_PATH', path: '/usr/bin/firefox-esr', apt: 'firefox-esr', what: 'Firefox' },
  webkit: { env: 'WEBKIT_WEBDRIVER', path: '/usr/bin/WebKitWebDriver', apt: 'webkit2gtk-driver', what: 'WebKitWebDriver' },
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A one-line failure: Vitest prints the stack of a globalSetup error, which says nothing useful here. */
function fail(message: string): never {
  const error = new Error(message);
  error.stack = message;
  throw error;
}

export function findBrowser(engine: EngineName): string {
  const { env, path, apt, what } = BROWSERS[engine];
  const need = `tokenward's ${engine} tests need ${what}: install Debian's ${apt} (apt-get install -y ${apt}) or set ${env}`;
  const fromEnv = process.env[env];
  if (fromEnv) {
    // An explicit choice that does not work is a mistake to report, not to paper over.
    if (!isExecutable(fromEnv)) fail(`${env}=${fromEnv} is not an executable file. ${need}`);
    return fromEnv;
  }
  if (isExecutable(path)) return path;

  // Only a root shell on Debian can fix this by itself (CI containers); anyone else gets the hint.
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canApt) fail(need);
  console.log(`[tokenward] ${what} not found; installing Debian's ${apt} with apt-get`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', apt]]) {
    // stdio inherit: apt's progress streams to the terminal instead of a silent minute-long pause.
    const { status } = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnv });
    if (status !== 0) fail(`apt-get ${args.join(' ')} failed. ${need}`);
  }
  if (!isExecutable(path)) fail(need);
  return path;
}

/**
 * Bundle every fixture page with Vite's production build, so the tests exercise the library
 * as an app would ship it (one bundle, tree-shaken dependencies), not as a dev server serves it.
 */
async function buildFixture(): Promise<void> {
  const pages = readdirSync(fixtureSrc).filter((name) => name.endsWith('.html'));
  await build({
    configFile: false, // the repo's vite.config.ts is the library build; none of it applies here
    root: fixtureSrc,
    base: '/',
    publicDir: false,
    logLevel: 'warn',
    clearScreen: false,
    // The Svelte page's components (svelte.html); every other page is plain TypeScript.
    plugins: [svelte({ configFile: false })],
    build: {
      outDir: fixtureOut,
      emptyOutDir: true, // outDir is outside root, so Vite would not empty it unless told
      minify: false, // readable stack traces and page source when a test fails
      sourcemap: true,
      target: 'es2022',
      rolldownOptions: {
        input: Object.fromEntries(pages.map((page) => [page.replace(/\.html$/, ''), join(fixtureSrc, page)])),
        // Stable names: easier to read in a failing test's stack trace.
        output: {
          entryFileNames: 'assets/[name].js',
          chunkFileNames: 'assets/[name].js',
          assetFileNames: 'assets/[name][extname]',
        },
      },
    },
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  const browserPath = findBrowser(ENGINE);
  const fixtureBuilt = buildFixture();
  // Both settle before either error is thrown: no build may outlive the setup.
  const [fixture, angular] = await Promise.allSettled([fixtureBuilt, buildAngularApp(repoRoot, fixtureOut, fixtureBuilt)]);
  for (const result of [fixture, angular]) if (result.status === 'rejected') throw result.reason;
  project.provide('browserPath', browserPath);
  project.provide('fixtureDir', fixtureOut);
  return () => rmSync(fixtureOut, { recursive: true, force: true });
}
