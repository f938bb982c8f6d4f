// Several reference-server processes sharing one redis-server, behind the round-robin proxy,
// and a Chromium whose tabs load the fixture page through the proxy: one origin for the
// browser, two processes behind it. The processes share nothing but Redis and the secrets
// in their environment. One call per test file; a fresh browser context per test.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { ReferenceServerOptions, ServerStats } from '../../../demo/server/index.ts';
import { startRedis, type RedisServer } from '../../server/redis.ts';
import { openTabs } from './browser.ts';
import { launchBrowser } from './engine.ts';
import { startRoundRobin, type RoundRobin } from './round-robin.ts';

export type Counters = Omit<ServerStats, 'requests'>;

export interface ServerProcess {
  readonly url: string;
  stats(): Promise<ServerStats>;
  /** POST to one of its /__test__ controls. */
  control(path: string, body?: Record<string, unknown>): Promise<void>;
  /** SIGKILL: no goodbye, requests in flight are cut. Resolves once it is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

async function startServerProcess(options: ReferenceServerOptions, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exited.then(() => reject(new Error('reference server process exited before it listened')));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    stats: async () => (await fetch(`${url}/__test__/stats`)).json() as Promise<ServerStats>,
    async control(path, body = {}) {
      const res = await fetch(`${url}/__test__/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

export interface ClusterSuite {
  readonly processes: readonly ServerProcess[];
  readonly proxy: RoundRobin;
  /** The fixture page through the proxy. */
  readonly pageUrl: string;
  /** This test's browser context, created on first use. */
  context(): Promise<BrowserContext>;
  /** One more isolated context in this test: another device. */
  newContext(): Promise<BrowserContext>;
  newTabs(n: number): Promise<Page[]>;
  /** The counters of the given processes (default all), added up. */
  counters(of?: readonly ServerProcess[]): Promise<Counters>;
}

export function useClusterSuite(size: number, options: ReferenceServerOptions): ClusterSuite {
  let redis: RedisServer | undefined;
  let processes: ServerProcess[] = [];
  let proxy: RoundRobin | undefined;
  let browser: Browser | undefined;
  let context: Promise<BrowserContext> | undefined;
  const contexts = new Set<BrowserContext>();

  beforeAll(async () => {
    redis = await startRedis();
    // The deployment's shared secrets, from the environment as in production.
    const env = { REDIS_URL: redis.url, JWT_SECRET: randomBytes(32).toString('base64url'), SESSION_SECRET: randomBytes(32).toString('base64url') };
    const serverOptions = { ...options, controls: true, staticDirs: [inject('fixtureDir')] };
    [processes, browser] = await Promise.all([Promise.all(Array.from({ length: size }, () => startServerProcess(serverOptions, env))), launchBrowser()]);
    proxy = await startRoundRobin(processes.map((p) => p.url));
  });

  // Each test starts from fresh browser profiles and the processes' start-up switches.
  afterEach(async () => {
    context = undefined;
    const open = [...contexts];
    contexts.clear();
    await Promise.allSettled([...open.map((each) => each.close()), ...processes.map((p) => p.control('reset'))]);
  });

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), proxy?.close(), ...processes.map((p) => p.stop())]);
    await redis?.stop();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useClusterSuite: only available inside tests and hooks');
    return value;
  };

  const suite: ClusterSuite = {
    get processes() {
      return processes;
    },
    get proxy() {
      return started(proxy);
    },
    get pageUrl() {
      return `${suite.proxy.url}/index.html`;
    },
    context() {
      context ??= suite.newContext();
      return context;
    },
    async newContext() {
      const created = await started(browser).newContext();
      contexts.add(created);
      return created;
    },
    async newTabs(n) {
      return openTabs(await suite.context(), suite.pageUrl, n);
    },
    async counters(of = processes) {
      const all = await Promise.all(of.map((p) => p.stats()));
      const sum = {} as Record<string, number>;
      for (const { requests: _requests, ...counters } of all) for (const [name, value] of Object.entries(counters)) sum[name] = (sum[name] ?? 0) + value;
      return sum as unknown as Counters;
    },
  };
  return suite;
}
