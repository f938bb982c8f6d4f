// A reference server in a process of its own, for the multi-process tests: options as JSON
// in argv[2], secrets and REDIS_URL from the environment (as a deployment would pass them).
// Prints its URL on the first line of stdout once it listens.
import { startReferenceServer, type ReferenceServerOptions } from '../../../demo/server/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ReferenceServerOptions;
const server = await startReferenceServer({ ...options, redisUrl: process.env.REDIS_URL });
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
