// tokenward reference server: the server side of the contract in DESIGN.md, with
// real cookies, real signed JWTs and a real store (SQLite, or Redis for several
// processes: stores.ts). Used by the browser tests and by the demo; also meant to
// be read as an example of what the server must do, since no client library can
// make up for a server that does not.
//
// Server choices worth knowing when testing against it:
// - Rotation with a reuse grace window (graceWindow, default 10 s; 0 = strict): a refresh
//   token works once; presented again by the same session (its session cookie, and for a
//   DPoP-bound family a proof by its key) less than graceWindow ms after it was used, it gets
//   the family's current token, no new one (a page reloaded mid-refresh loses nothing). Any
//   other use of a used token revokes its whole family.
// - Rotation happens when the refresh response is sent (after any delayRefresh),
//   so a client that went away before the answer keeps a valid old token.
// - Failure switches act in front of the app (like a proxy or an outage): before
//   the CSRF check, and they never consume or rotate a token.
// - Logout revokes the family of the refresh cookie, of a body refresh_token and
//   of the session, deletes the session row and clears every cookie; it is 204
//   even with nothing to log out.
// - DPoP (RFC 9449): a login with a `DPoP` proof binds its refresh family and its access
//   tokens to the proof key (routes/bearer.ts); with `dpopNonce`, proofs need a server nonce.
// - A session ends at its idle expiry (refreshTokenTtl since the last refresh) or
//   its absolute lifetime since sign-in, whichever comes first, for every route: the
//   refresh, the session check and the API alike; it can also be revoked from another
//   device (routes/devices.ts).
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import { cookieNames, isSecure, sessionCookieOptions, type ServerContext } from './context.ts';
import { Controls, type ServerControl } from './controls.ts';
import { corsAllowList } from './cors.ts';
import { issueCsrfCookie, keepCsrfBound } from './csrf.ts';
import { createDpopVerifier, createNonces, type ProofLimits } from './dpop.ts';
import { LoginLimiter, type LoginLimits } from './rate-limit.ts';
import { bearerApiRoutes, bearerAuthRoutes } from './routes/bearer.ts';
import { cookieApiRoutes, cookieAuthRoutes } from './routes/cookie.ts';
import { dpopNonceHeader } from './routes/dpop.ts';
import { deviceRoutes, sessionCheckRoute } from './routes/devices.ts';
import { loadSecrets } from './secrets.ts';
import { openStores } from './stores.ts';
import { DEFAULT_USERS, Users } from './users.ts';

export type { LogoutFailure, RecordedRequest, RefreshFailure, ServerControl, ServerStats, SessionCheckFailure } from './controls.ts';
export { fingerprint } from './controls.ts';
export { signJwt, verifyJwt, type AccessTokenClaims } from './jwt.ts';
export type { LoginLimits } from './rate-limit.ts';

export interface ReferenceServerOptions {
  port?: number; // default 0 = random; always binds 127.0.0.1
  accessTokenTtl?: number; // seconds, default 20
  /**
   * Seconds, default 8 hours: the idle limit. A session that has not refreshed for this long is
   * over at every door (refresh, session check, API); each refresh token lives this long.
   */
  refreshTokenTtl?: number;
  absoluteLifetime?: number; // seconds since sign-in after which no refresh helps; default 12 hours
  database?: string; // SQLite file for sessions and refresh-token families; default ':memory:'
  /** Redis instead of SQLite (e.g. redis://127.0.0.1:6379): several processes can then serve the same clients. */
  redisUrl?: string;
  /** Signing secrets; default: env JWT_SECRET / SESSION_SECRET, else random per start (never stored). */
  secrets?: { jwt?: string; session?: string };
  staticDirs?: string[]; // served statically at /
  /**
   * ms, default 10 000: how long after a rotation the same session may present the rotated token
   * again and get the family's current token (idempotent: never a new branch). 0 = strict rotation.
   */
  graceWindow?: number;
  controls?: boolean; // mount the /__test__ endpoints and the request recorder; default false
  /** Default 'auto': Secure (and __Host- names) exactly for requests that came over HTTPS. */
  secureCookies?: boolean | 'auto';
  /** Express's `trust proxy`, so that 'auto', rate limits and the client address see through a TLS proxy. Default false. */
  trustProxy?: boolean | number | string;
  /** Origins of apps on other origins allowed to call with credentials (CORS). Their cookies become SameSite=None; Secure. */
  corsOrigins?: string[];
  /**
   * The Clear-Site-Data value of a logout answer, or false for none. Default '"cookies", "storage"',
   * what servers following the session-invalidation guidance send, so that the tests run under the
   * condition they create: "storage" wipes the origin's IndexedDB (the vault, under open tabs), web
   * storage, Cache Storage and service workers. Not "cache" (the auth and API answers are no-store
   * already; it would only evict the app's assets), nor "executionContexts" or "*" (reloading every
   * tab would lose their unsaved work; the SDK signs the other tabs out itself).
   */
  clearSiteData?: string | false;
  users?: Record<string, string>; // user -> password; default { alice: 'wonderland' }
  loginLimits?: Partial<LoginLimits>; // wrong passwords checked per user / per address per window (also /auth/password)
  /**
   * DPoP server nonces (RFC 9449 section 8): true for nonces that change every 5 minutes, or
   * their lifetime in seconds; default false. Tests can switch them at run time (controls).
   */
  dpopNonce?: boolean | number;
  /** DPoP proof ids remembered at most in memory (with SQLite; Redis has no such limit); past that, proofs are refused. Default 100 000. */
  dpopReplayCapacity?: number;
  /** DPoP proof ids recorded per key thumbprint and per client address within the replay window (2 minutes). */
  dpopProofLimits?: Partial<ProofLimits>;
}

const DEFAULT_NONCE_LIFETIME = 300;

export interface ReferenceServer {
  url: string; // http://127.0.0.1:PORT (no trailing slash)
  port: number;
  control: ServerControl;
  close(): Promise<void>;
}

/** express-session twice, plain and __Host- named, picked per request: the cookie name depends on Secure. */
function sessionMiddleware(ctx: ServerContext): RequestHandler[] {
  const instance = (secure: boolean) =>
    session({
      name: cookieNames(secure).session,
      secret: ctx.sessionSecret,
      store: secure ? ctx.sessionStore.twin() : ctx.sessionStore,
      resave: false,
      saveUninitialized: false, // no session row and no cookie before a login
      cookie: sessionCookieOptions(ctx, secure),
    });
  const [plain, secure] = [instance(false), instance(true)];
  return [(req, res, next) => (isSecure(ctx, req) ? secure : plain)(req, res, next), keepCsrfBound(ctx)];
}

function createApp(ctx: ServerContext, options: ReferenceServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);

  if (ctx.secureCookies === true || ctx.crossSite) {
    // We listen on loopback only, and browsers treat http://127.0.0.1 as a secure
    // context. express-session refuses to set a Secure cookie unless req.secure,
    // so mark every (necessarily local) request as secure. Behind a real TLS
    // proxy, use trustProxy and the default secureCookies: 'auto' instead.
    app.use((req, _res, next) => {
      Object.defineProperty(req, 'secure', { value: true });
      next();
    });
  }

  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store'); // tokens and user data must not be cached
    next();
  };
  app.use(
    ['/auth', '/api'],
    ...(options.corsOrigins?.length ? [corsAllowList(options.corsOrigins)] : []),
    ...(options.controls ? [ctx.controls.recorder()] : []),
    noStore,
    dpopNonceHeader(ctx),
  );
  app.use(cookieParser());
  app.use(express.json());
  app.use(issueCsrfCookie(ctx));
  if (options.controls) app.use('/__test__', ctx.controls.router());

  const sessions = sessionMiddleware(ctx);
  app.get('/auth/session', sessionCheckRoute(ctx)); // before the session middleware: reads, never writes
  app.use('/auth/cookie', sessions, cookieAuthRoutes(ctx));
  app.use('/auth', sessions, bearerAuthRoutes(ctx), deviceRoutes(ctx));
  app.use('/api/cookie', sessions, cookieApiRoutes(ctx));
  app.use('/api', bearerApiRoutes(ctx)); // stateless: the JWT alone, no session

  for (const dir of options.staticDirs ?? []) app.use(express.static(dir));
  app.get('/', (_req, res) => {
    res
      .type('text/plain')
      .send(
        'tokenward reference server\nPOST /auth/login, /auth/refresh, /auth/logout; /api/*\nPOST /auth/cookie/login, /auth/cookie/refresh, /auth/cookie/logout; /api/cookie/*\n' +
          'GET /auth/session, /auth/sessions; POST /auth/sessions/:id/revoke, /auth/logout-all, /auth/password\n',
      );
  });
  app.use('/auth', (_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
    if (res.headersSent) return;
    // Body-parser errors (bad JSON, too large) carry a 4xx status.
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 500 ? 'server_error' : 'invalid_request' });
  };
  app.use(onError);
  return app;
}

/** ms: long enough for a reload or a navigation that cut a refresh off to come back and replay it. */
export const DEFAULT_GRACE_WINDOW = 10_000;

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const accessTokenTtl = options.accessTokenTtl ?? 20;
  const refreshTokenTtl = options.refreshTokenTtl ?? 8 * 60 * 60;
  const absoluteLifetime = options.absoluteLifetime ?? 12 * 60 * 60;
  const secrets = loadSecrets(options.secrets);
  const stores = await openStores(options, {
    refreshTtlMs: refreshTokenTtl * 1000,
    absoluteMs: absoluteLifetime * 1000,
    graceWindowMs: options.graceWindow ?? DEFAULT_GRACE_WINDOW,
    // Keyed by the JWT secret like the nonces: processes that share it open each other's boxes.
    sealSecret: createHmac('sha256', secrets.jwt).update('tokenward successor boxes').digest(),
  });
  const nonceLifetime = options.dpopNonce === true ? DEFAULT_NONCE_LIFETIME : Number(options.dpopNonce ?? 0);
  // Keyed by the JWT secret: processes that share it (REDIS_URL) agree on the nonce.
  const nonces = createNonces(nonceLifetime, createHmac('sha256', secrets.jwt).update('tokenward DPoP nonces').digest());
  const controls = new Controls(accessTokenTtl, options.clearSiteData ?? '"cookies", "storage"', {
    nonces,
    familyKey: (id) => stores.refreshTokens.familyKey(id),
  });
  const ctx: ServerContext = {
    users: new Users(options.users ?? DEFAULT_USERS),
    refreshTokens: stores.refreshTokens,
    sessionStore: stores.sessions,
    loginLimiter: new LoginLimiter(stores.loginAttempts, options.loginLimits),
    jwtSecret: secrets.jwt,
    sessionSecret: secrets.session,
    controls,
    refreshTokenTtl,
    absoluteLifetime,
    secureCookies: options.secureCookies ?? 'auto',
    crossSite: (options.corsOrigins?.length ?? 0) > 0,
    corsOrigins: new Set(options.corsOrigins?.map((origin) => new URL(origin).origin)),
    dpop: createDpopVerifier({ nonces, replays: stores.proofIds, limits: options.dpopProofLimits }),
  };
  const app = createApp(ctx, options);

  const server = createServer(app);
  // Tracked so that close() can cut hanging requests and idle keep-alive connections.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await stores.close();
    throw err;
  }

  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    control: controls,
    close() {
      closing ??= new Promise<void>((resolve) => {
        controls.close(); // pending refresh delays: never fire
        server.close(() => void stores.close().then(resolve, resolve));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
