// The published command, `npx tokenward-reference-server` (packages/reference-server): built as
// `npm pack` builds it, started through its bin as a process, it answers a sign-in, an API call
// and a refresh over real HTTP, serves a built app with --static, and stops on SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './http.ts';

const packageDir = resolve(import.meta.dirname, '../../packages/reference-server');
const bin = join(packageDir, 'bin/tokenward-reference-server.js');

/** Starts the bin and resolves with its URL, read from the line it prints once it listens. */
async function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the server exited with ${String(code)} before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const url = /tokenward reference server: (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (url) return url;
    }
    throw new Error('the server printed no URL');
  })();
  return { child, url: await Promise.race([listening, exited]) };
}

describe('tokenward-reference-server (the package bin)', () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'tokenward-static-'));
  let server: { child: ChildProcess; url: string } | undefined;

  beforeAll(async () => {
    const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: packageDir, stdio: 'inherit' });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>my app</title>');
    server = await start(['--static', staticDir]);
  });

  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL'); // only if a test failed before SIGTERM
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('signs in, answers the API with the token and refreshes with the HttpOnly cookie', async () => {
    const client = new Client(server!.url);
    const token = await client.login();
    const me = await client.get('/api/me', { bearer: token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: 'alice' });

    const refreshed = await client.post('/auth/refresh');
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it('serves the app given with --static on the same origin', async () => {
    const page = await fetch(`${server!.url}/`);
    expect(await page.text()).toContain('<title>my app</title>');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const { child } = server!;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });
});
