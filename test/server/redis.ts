// A throwaway redis-server (Debian's package) for tests: on a free loopback port, in a
// temporary directory, with no persistence; stop() ends it and deletes the directory.
// redis-server has no "pick a port" mode (`--port 0` means "no TCP at all"), so the port is
// one the OS just handed out to a probe socket and released.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ReferenceServerOptions } from '../../demo/server/index.ts';
import { connectRedis } from '../../demo/server/redis/client.ts';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: install Debian's redis-server (apt-get install redis-server; .ci/run does it as root)`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', ''];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    void exited.then(() => reject(new Error(`redis-server exited before it was ready:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The two stores a reference server runs on, for `describe.each`: SQLite, and a redis-server of
 * this test file's own (started before its first test, stopped after its last). Each call of a
 * store's options starts it empty: a Redis is flushed, so no test sees another's throttle or proofs.
 */
export function useStores(): [string, () => Promise<ReferenceServerOptions>][] {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  const emptyRedis = async (): Promise<ReferenceServerOptions> => {
    const client = await connectRedis(redis!.url);
    await client.flushAll();
    await client.close();
    return { redisUrl: redis!.url };
  };
  return [
    ['SQLite', async () => ({})],
    ['Redis', emptyRedis],
  ];
}
