// `tokenward-reference-server`: the reference server of the tokenward repository (demo/server)
// as a command, for apps that use the package and want a server that keeps the contract.
// Settings come from the same environment variables as `npm run demo:server` in the repository
// (demo/server/env.ts); the flags below override them.
import { parseArgs } from 'node:util';
import { optionsFromEnv } from '../../../demo/server/env.ts';
import { startReferenceServer } from '../../../demo/server/index.ts';

const usage = `Usage: tokenward-reference-server [options]

  --port <n>             port on 127.0.0.1 (env PORT; default 8787; 0 picks a free one)
  --cors-origins <list>  comma-separated origins of apps on other origins (env CORS_ORIGINS)
  --static <dir>         also serve a built app from <dir> at / (same origin as the API)
  --database <file>      SQLite file for sessions and refresh tokens (env DATABASE; default in memory)
  --trust-proxy <value>  Express's trust proxy behind a TLS proxy (env TRUST_PROXY)
  -h, --help             this text

Also: REDIS_URL (Redis instead of SQLite), JWT_SECRET and SESSION_SECRET (32+ bytes each; without
them every start makes new ones, and a restart signs everybody out), DPOP_NONCE=<seconds>,
IDLE_TIMEOUT=<seconds> (idle limit, default 8 h), GRACE_WINDOW=<ms> (reuse grace window, default
10000; 0 = strict rotation).
Users: alice / wonderland.`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'cors-origins': { type: 'string' },
    static: { type: 'string', multiple: true },
    database: { type: 'string' },
    'trust-proxy': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const env = {
  ...process.env,
  ...(values.port !== undefined && { PORT: values.port }),
  ...(values['cors-origins'] !== undefined && { CORS_ORIGINS: values['cors-origins'] }),
  ...(values['trust-proxy'] !== undefined && { TRUST_PROXY: values['trust-proxy'] }),
};
const server = await startReferenceServer({
  ...optionsFromEnv(env, 8787),
  database: values.database ?? process.env.DATABASE ?? ':memory:',
  staticDirs: values.static ?? [],
});
console.log(`tokenward reference server: ${server.url} (sign in as alice / wonderland)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
