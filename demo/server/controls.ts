// Test controls: counters, a request log and failure switches, so that tests and
// the demo page can make the server misbehave on purpose. The in-process object
// (server.control) always exists; the /__test__ HTTP endpoints are mounted only
// with `controls: true`, and so is the request recorder. Never expose them on a real
// deployment. Even so they are built to be harmless: the recorder keeps no credential
// (Authorization, Cookie, DPoP and the CSRF header are replaced by a short fingerprint, so
// tests can still compare them) and only the most recent requests. The endpoints answer only
// a request that reached this process straight from this machine (directMachineRequest below);
// Host is not enough, since a proxy on the same host may well send a loopback one.
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { DpopNonces } from './dpop.ts';

export const REFRESH_FAILURES = ['500', '429', 'html', 'hang', 'drop'] as const;
export const LOGOUT_FAILURES = ['500', 'hang', 'drop'] as const;
export type RefreshFailure = (typeof REFRESH_FAILURES)[number];
export type LogoutFailure = (typeof LOGOUT_FAILURES)[number];
/** How GET /auth/session misbehaves: the same kinds as a refresh. */
export type SessionCheckFailure = RefreshFailure;

/** Requests kept by the recorder; older ones are dropped. */
export const RECORDED_REQUESTS = 1000;
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'x-xsrf-token', 'proxy-authorization', 'dpop']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Headers a proxy adds: their presence means the request did not come straight from a local client. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

/**
 * Whether a request may use the test endpoints: it came over a loopback connection (the socket's
 * own peer, never req.ip, which trusts X-Forwarded-For behind trustProxy); no proxy header says it
 * was passed on; its Host is a loopback name, so a web page cannot reach it through DNS rebinding
 * (its requests carry the attacker's host name); and no browser says it comes from another site
 * (a form posted cross-site, which needs no CORS). A proxy on this host that adds no header at all
 * is not told apart from a local client: that is why the endpoints are off unless turned on.
 */
function directMachineRequest(req: Request): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  const fetchSite = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  return (
    LOOPBACK_PEERS.has(req.socket.remoteAddress ?? '') &&
    !PROXY_HEADERS.some((name) => name in req.headers) &&
    LOOPBACK_HOSTS.has(host) &&
    (fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none') &&
    (origin === undefined || origin === `${req.protocol}://${req.headers.host}`)
  );
}

/** What the recorder keeps of a credential: enough to tell two apart, nothing to use. */
export function fingerprint(secret: string): string {
  return `redacted:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

/** A credential header as recorded: the scheme of Authorization and the names of cookies stay readable. */
function redact(name: string, value: string): string {
  if (name === 'cookie') {
    return value
      .split(';')
      .map((pair) => {
        const eq = pair.indexOf('=');
        return eq < 0 ? pair.trim() : `${pair.slice(0, eq).trim()}=${fingerprint(decodeURIComponent(pair.slice(eq + 1).trim()))}`;
      })
      .join('; ');
  }
  const scheme = /^(\w+) (.+)$/.exec(value);
  return scheme && name.endsWith('authorization') ? `${scheme[1]} ${fingerprint(scheme[2]!)}` : fingerprint(value);
}

export interface RecordedRequest {
  method: string;
  path: string; // without the query string
  status: number; // 0 while pending, and for requests that got no response (hang, drop, client gone)
  headers: Record<string, string>; // request headers, names lowercased; credentials as fingerprint()
  at: number; // Date.now() when the request arrived
}

export interface ServerStats {
  loginCalls: number;
  refreshCalls: number;
  rotations: number;
  reuseDetections: number;
  logoutCalls: number;
  apiCalls: number;
  api401s: number;
  sessionChecks: number;
  nonceChallenges: number; // DPoP proofs refused for want of the current nonce (use_dpop_nonce)
  requests: RecordedRequest[]; // the most recent RECORDED_REQUESTS only
}

export interface ServerControl {
  /** Lifetime of access tokens (and of cookie-mode authorisation) issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** The next `count` refresh calls (both modes) fail this way, without touching the token. */
  failRefresh(count: number, kind: RefreshFailure, opts?: { retryAfter?: number }): void;
  /** Successful refresh responses wait this long; the token rotates when the response is sent. */
  delayRefresh(ms: number): void;
  /**
   * The next `count` refresh calls (both modes) do their work (the token rotates, the session is
   * saved) but their answer never leaves: the request hangs until the client gives up or the server
   * closes. What a page that was reloaded after the server rotated and before the answer arrived sees.
   */
  loseRefreshAnswers(count: number): void;
  /**
   * The next login (bearer mode) does its work (the session is open, its refresh token issued) and
   * its answer waits for `release()`: `arrived` gives that refresh token. What a tab sees when the
   * answer to its login is slow while other tabs go on. In process only (no /__test__ endpoint).
   */
  holdNextLogin(): { arrived: Promise<string>; release: () => void };
  /** Every logout call (both modes) fails this way until set back to null; the session is left intact. */
  failLogout(kind: LogoutFailure | null): void;
  /**
   * The Clear-Site-Data value of logout answers from now on, false for none. For a test of what
   * the SDK clears by itself: after a server's "storage" wipe, nothing is left to find either way.
   */
  setClearSiteData(value: string | false): void;
  /** Requests to `path` (an /auth or /api path) answer `307 Location: to` until set back to null: an open redirect. */
  redirect(path: string, to: string | null): void;
  /** Every session check (GET /auth/session) fails this way until set back to null. */
  failSessionCheck(kind: SessionCheckFailure | null): void;
  /** DPoP server nonces from now on, each current for `seconds` (the one before stays good); 0 turns them off. */
  setDpopNonce(seconds: number): void;
  /** A new DPoP nonce at once, every earlier one refused from now on: the next proof gets a challenge. */
  rotateDpopNonce(): void;
  /** The DPoP key thumbprint a refresh family (the `sid` of its access tokens) is bound to, or null. */
  familyKey(familyId: string): Promise<string | null>;
  stats(): ServerStats;
  /** Back to start-up behaviour: counters and log cleared, switches off, delay 0, TTL, Clear-Site-Data and nonces as configured. */
  reset(): void;
}

type Counter = Exclude<keyof ServerStats, 'requests'>;

function zeroStats(): ServerStats {
  return {
    loginCalls: 0,
    refreshCalls: 0,
    rotations: 0,
    reuseDetections: 0,
    logoutCalls: 0,
    apiCalls: 0,
    api401s: 0,
    sessionChecks: 0,
    nonceChallenges: 0,
    requests: [],
  };
}

/** The parts of the server the controls reach into besides their own switches. */
export interface ControlledParts {
  nonces: DpopNonces;
  familyKey(familyId: string): Promise<string | null>;
}

export class Controls implements ServerControl {
  accessTokenTtl: number;
  /** What logout answers send as Clear-Site-Data (false: none). */
  clearSiteData: string | false;
  refreshDelayMs = 0;
  private lostRefreshAnswers = 0;
  private heldLogin: { arrived: (refreshToken: string) => void; gate: Promise<void> } | null = null;
  /** Releases of held logins not yet released: reset() and close() let them all go. */
  private readonly loginReleases = new Set<() => void>();
  private counters = zeroStats();
  private refreshFailure: { count: number; kind: RefreshFailure; retryAfter: number } | null = null;
  private logoutFailure: LogoutFailure | null = null;
  private readonly redirects = new Map<string, string>();
  private sessionCheckFailure: SessionCheckFailure | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  private readonly initialNonceLifetime: number;

  constructor(
    private readonly initialAccessTokenTtl: number,
    private readonly initialClearSiteData: string | false,
    private readonly parts: ControlledParts,
  ) {
    this.accessTokenTtl = initialAccessTokenTtl;
    this.clearSiteData = initialClearSiteData;
    this.initialNonceLifetime = parts.nonces.lifetime;
  }

  setAccessTokenTtl(seconds: number): void {
    if (!(seconds > 0)) throw new RangeError('seconds must be > 0');
    this.accessTokenTtl = seconds;
  }

  failRefresh(count: number, kind: RefreshFailure, opts: { retryAfter?: number } = {}): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be an integer >= 0');
    if (!REFRESH_FAILURES.includes(kind)) throw new RangeError(`kind must be one of ${REFRESH_FAILURES.join(', ')}`);
    this.refreshFailure = count > 0 ? { count, kind, retryAfter: opts.retryAfter ?? 1 } : null;
  }

  delayRefresh(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('ms must be >= 0');
    this.refreshDelayMs = ms;
  }

  loseRefreshAnswers(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be an integer >= 0');
    this.lostRefreshAnswers = count;
  }

  holdNextLogin(): { arrived: Promise<string>; release: () => void } {
    let arrived!: (refreshToken: string) => void;
    let open!: () => void;
    const token = new Promise<string>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (open = resolve));
    const release = (): void => void (this.loginReleases.delete(release), open());
    this.loginReleases.add(release);
    this.heldLogin = { arrived, gate };
    return { arrived: token, release };
  }

  /** The login route's pause before its answer: at once, unless this login is held (holdNextLogin). */
  async holdLogin(refreshToken: string): Promise<void> {
    const held = this.heldLogin;
    if (!held) return;
    this.heldLogin = null;
    held.arrived(refreshToken);
    await held.gate;
  }

  /** Whether the answer of a refresh that just did its work is to be lost (loseRefreshAnswers); counts it. */
  loseRefreshAnswer(): boolean {
    if (this.lostRefreshAnswers === 0) return false;
    this.lostRefreshAnswers--;
    return true;
  }

  failLogout(kind: LogoutFailure | null): void {
    if (kind !== null && !LOGOUT_FAILURES.includes(kind)) throw new RangeError(`kind must be null or one of ${LOGOUT_FAILURES.join(', ')}`);
    this.logoutFailure = kind;
  }

  setClearSiteData(value: string | false): void {
    this.clearSiteData = value;
  }

  redirect(path: string, to: string | null): void {
    if (to === null) this.redirects.delete(path);
    else this.redirects.set(path, to);
  }

  failSessionCheck(kind: SessionCheckFailure | null): void {
    if (kind !== null && !REFRESH_FAILURES.includes(kind)) throw new RangeError(`kind must be null or one of ${REFRESH_FAILURES.join(', ')}`);
    this.sessionCheckFailure = kind;
  }

  setDpopNonce(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError('seconds must be >= 0');
    this.parts.nonces.lifetime = seconds;
  }

  rotateDpopNonce(): void {
    this.parts.nonces.rotate();
  }

  familyKey(familyId: string): Promise<string | null> {
    return this.parts.familyKey(familyId);
  }

  stats(): ServerStats {
    return { ...this.counters, requests: this.counters.requests.map((r) => ({ ...r, headers: { ...r.headers } })) };
  }

  reset(): void {
    this.counters = zeroStats();
    this.refreshFailure = null;
    this.logoutFailure = null;
    this.redirects.clear();
    this.sessionCheckFailure = null;
    this.refreshDelayMs = 0;
    this.lostRefreshAnswers = 0;
    this.releaseLogins();
    this.accessTokenTtl = this.initialAccessTokenTtl;
    this.clearSiteData = this.initialClearSiteData;
    this.parts.nonces.lifetime = this.initialNonceLifetime;
  }

  count(counter: Counter): void {
    this.counters[counter]++;
  }

  /** Middleware: log every /auth and /api request, fill in its status when answered, and apply a redirect set for its path. */
  recorder() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        const text = Array.isArray(value) ? value.join(', ') : value;
        headers[name.toLowerCase()] = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? redact(name.toLowerCase(), text) : text;
      }
      const entry: RecordedRequest = { method: req.method, path: req.originalUrl.split('?')[0] ?? '', status: 0, headers, at: Date.now() };
      const { requests } = this.counters;
      requests.push(entry);
      if (requests.length > RECORDED_REQUESTS) requests.splice(0, requests.length - RECORDED_REQUESTS);
      res.once('finish', () => {
        entry.status = res.statusCode;
      });
      const to = this.redirects.get(entry.path);
      if (to) res.redirect(307, to);
      else next();
    };
  }

  /** If a refresh failure is armed, answer (or don't) accordingly and return true. */
  applyRefreshFailure(req: Request, res: Response): boolean {
    const failure = this.refreshFailure;
    if (!failure) return false;
    if (--failure.count === 0) this.refreshFailure = null;
    fail(failure.kind, req, res, failure.retryAfter);
    return true;
  }

  applyLogoutFailure(req: Request, res: Response): boolean {
    if (!this.logoutFailure) return false;
    fail(this.logoutFailure, req, res, 1);
    return true;
  }

  applySessionCheckFailure(req: Request, res: Response): boolean {
    if (!this.sessionCheckFailure) return false;
    fail(this.sessionCheckFailure, req, res, 1);
    return true;
  }

  private releaseLogins(): void {
    this.heldLogin = null;
    for (const release of this.loginReleases) release();
  }

  /** Waits ms; resolves false if the server closed meanwhile. Timers are cleared by close(). */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(!this.closed);
      }, ms);
      this.timers.add(timer);
    });
  }

  close(): void {
    this.closed = true;
    this.releaseLogins();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The /__test__ endpoints: JSON, GET to read, POST to change; 400 on a bad argument. */
  router(): Router {
    const router = express.Router();
    router.use((req, res, next) => {
      if (directMachineRequest(req)) return next();
      res.status(403).json({ error: 'forbidden_host' });
    });
    const action = (fn: (body: Record<string, unknown>) => void) => (req: Request, res: Response) => {
      try {
        fn((req.body ?? {}) as Record<string, unknown>);
        res.json({ ok: true });
      } catch (err) {
        res.status(400).json({ error: 'invalid_request', message: (err as Error).message });
      }
    };
    router.get('/stats', (_req, res) => {
      res.json(this.stats());
    });
    router.post(
      '/reset',
      action(() => this.reset()),
    );
    router.post(
      '/ttl',
      action((b) => this.setAccessTokenTtl(Number(b.seconds))),
    );
    router.post(
      '/fail-refresh',
      action((b) => this.failRefresh(Number(b.count), b.kind as RefreshFailure, b.retryAfter === undefined ? {} : { retryAfter: Number(b.retryAfter) })),
    );
    // A browser-wide wipe of this origin's data for engines whose driver cannot ask the browser
    // for one (no DevTools protocol): the answer carries Clear-Site-Data, which the browser obeys.
    router.post('/clear-site-data', (req, res) => {
      const value = (req.body as { value?: unknown } | undefined)?.value;
      if (typeof value !== 'string' || !/^"[a-z]+"(, "[a-z]+")*$/i.test(value)) {
        res.status(400).json({ error: 'invalid_request', message: 'value: a Clear-Site-Data list' });
        return;
      }
      res.set('Clear-Site-Data', value).json({ ok: true });
    });
    router.post(
      '/delay-refresh',
      action((b) => this.delayRefresh(Number(b.ms))),
    );
    router.post(
      '/lose-refresh-answers',
      action((b) => this.loseRefreshAnswers(Number(b.count))),
    );
    router.post(
      '/fail-logout',
      action((b) => this.failLogout((b.kind ?? null) as LogoutFailure | null)),
    );
    router.post(
      '/redirect',
      action((b) => this.redirect(String(b.path), typeof b.to === 'string' ? b.to : null)),
    );
    router.post(
      '/fail-session-check',
      action((b) => this.failSessionCheck((b.kind ?? null) as SessionCheckFailure | null)),
    );
    router.post(
      '/dpop-nonce',
      action((b) => this.setDpopNonce(Number(b.seconds))),
    );
    router.post(
      '/dpop-nonce/rotate',
      action(() => this.rotateDpopNonce()),
    );
    router.get('/families/:id', async (req, res) => {
      res.json({ jkt: await this.familyKey(req.params.id) });
    });
    return router;
  }
}

function fail(kind: RefreshFailure | LogoutFailure, req: Request, res: Response, retryAfter: number): void {
  switch (kind) {
    case '500':
      res.status(500).json({ error: 'server_error' });
      return;
    case '429':
      res.status(429).set('Retry-After', String(retryAfter)).json({ error: 'rate_limited' });
      return;
    case 'html':
      // What a captive portal or an SSO proxy answers: 200, but not our JSON.
      res.status(200).type('text/html').send('<!doctype html><html><head><title>Sign in</title></head><body><p>Please sign in.</p></body></html>');
      return;
    case 'hang':
      // Never answer; the socket is destroyed by close() or by the client giving up.
      return;
    case 'drop':
      // The connection breaks mid-response. (A connection closed before any byte is not enough:
      // browsers silently resend a request whose reused keep-alive connection closed that way.)
      req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{"access_tok');
      return;
  }
}
