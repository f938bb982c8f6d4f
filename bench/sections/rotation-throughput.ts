// 8. Rotation throughput of one reference-server process: refreshes per second over HTTP on
// loopback, against SQLite (a file, as the demo runs) and against Redis (a throwaway
// redis-server), alternating rounds in the same run. Each client is a signed-in browser's
// worth of cookies (session, refresh, CSRF) refreshing back to back, so every refresh does
// what a real one does: load and save the express-session, rotate the token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../demo/server/index.ts';
import { Client } from '../../test/server/http.ts';
import { startRedis } from '../../test/server/redis.ts';
import { format, type SectionReport } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

const CLIENTS = 8;
const ROUNDS = 5;
const ROUND_MS = 2_000;
/** A first, unreported round per store: the JIT and the connections warm up. */
const WARM_UP_MS = 1_000;

/** Refreshes per second one server answered in one round; throws on any non-200 (a broken store is no figure). */
async function round(server: ReferenceServer, ms: number): Promise<number> {
  const clients = Array.from({ length: CLIENTS }, () => new Client(server.url));
  for (const client of clients) await client.login();
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const res = await client.post('/auth/refresh');
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

export async function measureRotationThroughput(): Promise<SectionReport> {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-bench-'));
  // Generous limits: one address signs in many times here.
  const common: ReferenceServerOptions = { loginLimits: { perAddress: 1_000 } };
  const stores: [string, ReferenceServerOptions][] = [
    ['SQLite', { ...common, database: join(dir, 'bench.sqlite') }],
    ['Redis', { ...common, redisUrl: redis.url }],
  ];
  const rates = new Map<string, number[]>(stores.map(([name]) => [name, []]));
  try {
    for (let i = -1; i < ROUNDS; i++) {
      for (const [name, options] of stores) {
        const server = await startReferenceServer(options);
        try {
          const rate = await round(server, i < 0 ? WARM_UP_MS : ROUND_MS);
          if (i >= 0) rates.get(name)!.push(rate);
        } finally {
          await server.close();
        }
      }
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const [sqlite, redisRate] = [median(rates.get('SQLite')!), median(rates.get('Redis')!)];
  return {
    title: '8. Rotation throughput of one process (refreshes/s, SQLite vs Redis)',
    summary: [
      {
        measurement: '8. Rotation throughput, one process, Redis store (median refreshes/s)',
        tokenward: format.rate(redisRate),
        baseline: `SQLite store: ${format.rate(sqlite)}`,
        ratio: format.ratio(redisRate / sqlite),
        budget: '–',
        met: null,
        runs: `${ROUNDS} rounds of ${ROUND_MS / 1000} s per store, after a warm-up round`,
      },
    ],
    tables: [
      {
        headers: ['Store', 'median refreshes/s', 'rounds'],
        rows: stores.map(([name]) => [
          name,
          format.rate(median(rates.get(name)!)),
          rates
            .get(name)!
            .map((r) => r.toFixed(0))
            .join(', '),
        ]),
      },
    ],
    notes: [
      `${CLIENTS} clients on loopback, each signed in once (bearer mode, refresh cookie) and then calling POST /auth/refresh back to back for ${ROUND_MS / 1000} s; ` +
        'the server is one process in the bench process (the clients share its CPU, the same for both stores), rounds alternate between the stores. ' +
        "SQLite: a WAL file in a temporary directory, better-sqlite3's defaults (each commit waits for the disk). Redis: Debian's redis-server on loopback, no persistence; rotation is one Lua script, the session a GET and a SET.",
    ],
  };
}
