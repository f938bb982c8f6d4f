// Each framework recipe of docs/recipes, as a new user meets it: the very files its page shows
// (the page includes them, so the two cannot drift), in a fresh app with the packed tarball as
// node_modules/tokenward, type-checked and built by the framework's own toolchain, then signed
// in against the reference server in Chromium: a protected route, an API call, a second tab
// that restores the session, and a logout that takes both tabs to the login page with the reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../demo/server/index.ts';
import { launchChromium, trackErrors } from '../browser/harness/browser.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const recipesDir = join(repoRoot, 'docs/recipes');
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);

interface Recipe {
  name: string;
  /** Type-check and build, in the app's folder, with API_ORIGIN set to the reference server. */
  build: string[][];
  /** Serves the built app: the reference server itself (one origin), or `next start` in front of it. */
  serve: 'reference-server' | 'next';
  /** Where the build puts the app's static files, in the app's folder (Vite's `dist` unless given). */
  dist?: string;
}

const RECIPES: Recipe[] = [
  {
    name: 'vite-react',
    build: [
      [bin('tsc'), '-p', '.'],
      [bin('vite'), 'build'],
    ],
    serve: 'reference-server',
  },
  {
    name: 'vite-vue',
    build: [
      [bin('vue-tsc'), '-p', '.'],
      [bin('vite'), 'build'],
    ],
    serve: 'reference-server',
  },
  {
    name: 'vite-svelte',
    build: [
      [bin('tsc'), '-p', '.'],
      [bin('vite'), 'build'],
    ],
    serve: 'reference-server',
  },
  { name: 'nextjs', build: [[bin('next'), 'build']], serve: 'next' },
  // `ng build` type-checks the components' templates too (strictTemplates, as `ng new` sets it).
  { name: 'angular-cli', build: [[bin('ng'), 'build']], serve: 'reference-server', dist: 'dist/my-app/browser' },
];

/** The files a recipe page shows: its `<<< ./<name>/<path>` includes. */
function includedFiles(name: string): string[] {
  const page = readFileSync(join(recipesDir, `${name}.md`), 'utf8');
  return [...page.matchAll(/^<<< \.\/([^\s{]+)/gm)].map(([, path]) => relative(name, path!));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Runs `command` in `cwd`; rejects with its output when it fails. */
function run([command, ...args]: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command!, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${[command, ...args].join(' ')} failed (${code}):\n${output}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

/** `next start` on 127.0.0.1, resolved once it answers. */
async function nextStart(cwd: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(bin('next'), ['start', '-H', '127.0.0.1', '-p', String(port)], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Ready') && ready());
    child.on('exit', (code) => fail(new Error(`next start exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, process: child };
}

describe.each(RECIPES)('the $name recipe', (recipe) => {
  const appDir = join(inject('appsDir'), recipe.name);
  let api: ReferenceServer | undefined;
  let next: ChildProcess | undefined;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    for (const file of includedFiles(recipe.name)) {
      mkdirSync(dirname(join(appDir, file)), { recursive: true });
      cpSync(join(recipesDir, recipe.name, file), join(appDir, file));
    }
    // What `npm install tokenward` does, from the tarball; everything else resolves to this repo's pinned devDependencies.
    cpSync(inject('packageDir'), join(appDir, 'node_modules/tokenward'), { recursive: true });
    browser = await launchChromium(inject('chromiumPath'));
    const build = async (apiOrigin: string) => {
      for (const step of recipe.build) await run(step, appDir, { API_ORIGIN: apiOrigin, NEXT_TELEMETRY_DISABLED: '1', NG_CLI_ANALYTICS: 'false' });
    };
    if (recipe.serve === 'next') {
      // next.config.ts's rewrites() is read at build time: the API's origin must be known by then.
      api = await startReferenceServer();
      await build(api.url);
      const started = await nextStart(appDir);
      next = started.process;
      origin = started.url;
    } else {
      await build('http://127.0.0.1:8787');
      // The built app and the API on one origin, as the recipe's production set-up.
      api = await startReferenceServer({ staticDirs: [join(appDir, recipe.dist ?? 'dist')] });
      origin = api.url;
    }
  });

  afterAll(async () => {
    next?.kill();
    await Promise.allSettled([browser?.close(), api?.close()]);
  });

  it('its page shows every file of the app, and each file it shows exists', () => {
    expect(includedFiles(recipe.name).sort()).toEqual(filesUnder(join(recipesDir, recipe.name)));
  });

  it('signs in, calls the API, restores in a second tab, and takes both tabs to the login page on logout, with the reason', async () => {
    const context = await browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    const errors = [trackErrors(a), trackErrors(b)];
    const openAccount = async (page: Page) => {
      await page.goto(`${origin}/`);
      await page.getByRole('link', { name: 'Account' }).click();
    };
    const signIn = async (page: Page) => {
      await page.getByLabel('User name').fill('alice');
      await page.getByLabel('Password').fill('wonderland');
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    /** The login page with exactly these query parameters (each router encodes them its own way). */
    const loginUrl = (query: Record<string, string>) => (url: URL) =>
      url.pathname === '/login' && JSON.stringify([...url.searchParams].sort()) === JSON.stringify(Object.entries(query).sort());

    // Signed out on arrival: to the login page, remembering where to go back to.
    await openAccount(a);
    await a.waitForURL(loginUrl({ next: '/account' }));
    await signIn(a);
    await a.getByText('Signed in as alice').waitFor();
    expect(new URL(a.url()).pathname).toBe('/account');
    await a.getByRole('button', { name: 'Call the API' }).click();
    await a.getByText('The API says you are alice.').waitFor();

    // Another tab: the session is there already.
    await openAccount(b);
    await b.getByText('Signed in as alice').waitFor();

    await a.getByRole('button', { name: 'Sign out' }).click();
    await a.waitForURL(loginUrl({ next: '/account', reason: 'user' }));
    await a.getByText('You were signed out (user).').waitFor();
    await b.waitForURL(loginUrl({ next: '/account', reason: 'other-tab' }));
    await b.getByText('You were signed out (other-tab).').waitFor();

    // Signing in again goes back to the account, never to the login page.
    await signIn(b);
    await b.getByText('Signed in as alice').waitFor();
    expect(new URL(b.url()).pathname).toBe('/account');
    expect(api!.control.stats()).toMatchObject({ loginCalls: 2, logoutCalls: 1 });
    for (const list of errors) expect(list).toEqual([]);
    await context.close();
  });
});
