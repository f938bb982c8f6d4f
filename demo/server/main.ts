// The demo server: `npx tsx demo/server/main.ts` (PORT=8787 by default; PORT=0 picks a free
// port, and the line printed below says which). DEMO_DB names another SQLite file (tests
// point it at a temporary one). JWT_SECRET and SESSION_SECRET keep sessions valid across a
// restart; without them each start makes new secrets (see secrets.ts). REDIS_URL keeps the
// sessions and refresh tokens in Redis instead, so that several processes serve the same
// clients (each on its own PORT, all with the same JWT_SECRET and SESSION_SECRET).
// CORS_ORIGINS (comma-separated origins, e.g. http://localhost:5173) lets apps served from
// other origins call it with credentials (docs/guide/use-it-in-your-own-app.md). TRUST_PROXY
// (a hop count, or Express's names such as `loopback`) lets a TLS proxy's X-Forwarded-Proto
// make the cookies Secure. DPOP_NONCE=<seconds> (e.g. 300) makes DPoP proofs carry a server nonce
// that changes that often. IDLE_TIMEOUT=<seconds> (default 8 hours) ends a session that has not
// refreshed for that long (refreshTokenTtl). GRACE_WINDOW=<ms> (default 10000; 0 = strict
// rotation) is how long the same session may present a just-rotated refresh token again and get
// the current one. DEMO_CONTROLS=1 (set by `npm run demo`) mounts the test controls, which
// the demo page's failure switches use; they are off otherwise, so `npm run demo:server` behind a
// proxy or a load balancer exposes none of them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOidcApi } from '../oidc/api.ts';
import type { OidcDemoConfig } from '../oidc/config.ts';
import { startOidcProvider } from '../oidc/provider.ts';
import { optionsFromEnv } from './env.ts';
import { startReferenceServer } from './index.ts';

const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(demoDir, '.data'); // gitignored
mkdirSync(dataDir, { recursive: true });
const dist = join(demoDir, 'dist');

const server = await startReferenceServer({
  ...optionsFromEnv(process.env, 8787),
  database: process.env.DEMO_DB ?? join(dataDir, 'demo.sqlite'),
  controls: process.env.DEMO_CONTROLS === '1', // the demo page flips the failure switches
  staticDirs: existsSync(dist) ? [dist] : [],
});

// The OpenID Connect page: a local oidc-provider and the API that accepts its tokens, each on
// its own port: OIDC_PORT and OIDC_API_PORT, by default PORT+1 and PORT+2 (PORT=0: free ones).
// The page reads where they are from /oidc-config.json.
const portOf = (variable: string, offset: number) => Number(process.env[variable] ?? (process.env.PORT === '0' ? 0 : server.port + offset));
const accessTokenTtl = 20;
const api = await startOidcApi({ port: portOf('OIDC_API_PORT', 2) });
const provider = await startOidcProvider({ appOrigins: [server.url], apiUrl: api.url, accessTokenTtl, port: portOf('OIDC_PORT', 1) });
api.trust(provider.issuer);
if (existsSync(dist)) {
  const config: OidcDemoConfig = { issuer: provider.issuer, clientId: provider.clientId, apiUrl: api.url, accessTokenTtl };
  writeFileSync(join(dist, 'oidc-config.json'), JSON.stringify(config));
}
// Printed once everything listens and the config is written: the URL is ready to open (the demo test waits for it).
console.log(`tokenward demo: ${server.url}/`);
console.log(`tokenward OIDC demo: ${server.url}/oidc.html (provider ${provider.issuer}, API ${api.url})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([server.close(), provider.close(), api.close()]).then(() => process.exit(0));
  });
}
