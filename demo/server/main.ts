// The demo server: `npx tsx demo/server/main.ts` (PORT=8787 by default; PORT=0 picks a free
// port, and the line printed below says which). DEMO_DB names another SQLite file (tests
// point it at a temporary one). JWT_SECRET and SESSION_SECRET keep sessions valid across a
// restart; without them each start makes new secrets (see secrets.ts). REDIS_URL keeps the
// sessions and refresh tokens in Redis instead, so that several processes serve the same
// clients (each on its own PORT, all with the same JWT_SECRET and SESSION_SECRET).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from './index.ts';

const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(demoDir, '.data'); // gitignored
mkdirSync(dataDir, { recursive: true });
const dist = join(demoDir, 'dist');

const server = await startReferenceServer({
  port: Number(process.env.PORT ?? 8787),
  database: process.env.DEMO_DB ?? join(dataDir, 'demo.sqlite'),
  redisUrl: process.env.REDIS_URL,
  controls: true, // the demo page flips the failure switches
  staticDirs: existsSync(dist) ? [dist] : [],
});
console.log(`tokenward demo: ${server.url}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
