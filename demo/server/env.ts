// The reference server's settings from the environment, shared by the demo (`npm run demo`,
// demo/server/main.ts) and the published command (packages/reference-server):
// PORT (0 picks a free port), REDIS_URL, CORS_ORIGINS (comma-separated origins of apps served
// from other origins), TRUST_PROXY (a hop count, or Express's names such as `loopback`) and
// DPOP_NONCE=<seconds>, IDLE_TIMEOUT=<seconds> (refreshTokenTtl) and GRACE_WINDOW=<ms>
// (graceWindow; 0 = strict rotation). JWT_SECRET and SESSION_SECRET are read where they are used (secrets.ts).
import type { ReferenceServerOptions } from './index.ts';

export type EnvOptions = Pick<ReferenceServerOptions, 'port' | 'redisUrl' | 'corsOrigins' | 'trustProxy' | 'dpopNonce' | 'refreshTokenTtl' | 'graceWindow'>;

export function optionsFromEnv(env: NodeJS.ProcessEnv, defaultPort: number): EnvOptions {
  return {
    port: Number(env.PORT ?? defaultPort),
    redisUrl: env.REDIS_URL,
    corsOrigins: env.CORS_ORIGINS?.split(',').filter(Boolean),
    trustProxy: /^\d+$/.test(env.TRUST_PROXY ?? '') ? Number(env.TRUST_PROXY) : env.TRUST_PROXY,
    dpopNonce: Number(env.DPOP_NONCE ?? 0),
    refreshTokenTtl: env.IDLE_TIMEOUT ? Number(env.IDLE_TIMEOUT) : undefined,
    graceWindow: env.GRACE_WINDOW ? Number(env.GRACE_WINDOW) : undefined,
  };
}
