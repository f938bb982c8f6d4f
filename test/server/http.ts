// A tiny cookie jar and fetch wrapper for the server tests: enough of a browser to
// keep cookies per path, drop expired ones, and copy the CSRF cookie into its header.
// Also the server and temporary-database set-up the test files share.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../demo/server/index.ts';

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lowercased; flags (HttpOnly, Secure) map to true. */
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attrs] = header.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    if (i === -1) attributes[attr.toLowerCase()] = true;
    else attributes[attr.slice(0, i).toLowerCase()] = attr.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attributes };
}

/** Every Set-Cookie of a response, by cookie name. */
export function setCookies(res: Response): Map<string, SetCookie> {
  return new Map(res.headers.getSetCookie().map((h) => [parseSetCookie(h).name, parseSetCookie(h)]));
}

function isExpired(cookie: SetCookie): boolean {
  const maxAge = cookie.attributes['max-age'];
  if (typeof maxAge === 'string') return Number(maxAge) <= 0;
  const expires = cookie.attributes.expires;
  return typeof expires === 'string' && Date.parse(expires) <= Date.now();
}

export class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  update(res: Response): void {
    for (const cookie of setCookies(res).values()) {
      const path = typeof cookie.attributes.path === 'string' ? cookie.attributes.path : '/';
      const key = `${cookie.name};${path}`;
      if (isExpired(cookie)) this.cookies.delete(key);
      else this.cookies.set(key, { name: cookie.name, value: cookie.value, path });
    }
  }

  get(name: string): string | undefined {
    for (const c of this.cookies.values()) if (c.name === name) return c.value;
    return undefined;
  }

  set(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path });
  }

  delete(name: string): void {
    for (const [key, c] of this.cookies) if (c.name === name) this.cookies.delete(key);
  }

  header(requestPath: string): string {
    return [...this.cookies.values()]
      .filter((c) => c.path === '/' || requestPath === c.path || requestPath.startsWith(`${c.path}/`))
      .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
      .join('; ');
  }
}

export interface RequestOptions {
  json?: unknown;
  /** Default: send X-XSRF-TOKEN from the jar on unsafe methods. false: don't; a string: send that. */
  csrf?: boolean | string;
  bearer?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The reference server's default user. */
export const alice = { username: 'alice', password: 'wonderland' };

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly jar = new CookieJar(),
  ) {}

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    const cookie = this.jar.header(path.split('?')[0] ?? path);
    if (cookie) headers.cookie = cookie;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    const csrf = opts.csrf ?? method !== 'GET';
    if (typeof csrf === 'string') headers['x-xsrf-token'] = csrf;
    else if (csrf && this.jar.get('XSRF-TOKEN')) headers['x-xsrf-token'] = this.jar.get('XSRF-TOKEN')!;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
      signal: opts.signal,
    });
    this.jar.update(res);
    return res;
  }

  get(path: string, opts?: RequestOptions): Promise<Response> {
    return this.request('GET', path, opts);
  }

  post(path: string, opts?: RequestOptions): Promise<Response> {
    return this.request('POST', path, opts);
  }

  /** Logs alice in (bearer mode) and returns the access token. */
  async login(path = '/auth/login'): Promise<string> {
    const res = await this.post(path, { json: alice });
    if (res.status !== 200) throw new Error(`login: ${res.status}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }
}

export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The session id inside an express-session cookie value ("s:<id>.<signature>"). */
export function sessionId(cookieValue: string): string {
  return cookieValue.slice(2, cookieValue.lastIndexOf('.'));
}

/** The key the store files a session id under: its SHA-256, never the id itself. */
export function sessionKey(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

/** Fixed signing secrets, for tests that restart a server or sign their own tokens. */
export const SECRETS = { jwt: 'j'.repeat(32), session: 's'.repeat(32) };

export interface TempDatabase {
  file: string;
  query<T>(sql: string, ...params: unknown[]): T[];
  run(sql: string, ...params: unknown[]): void;
  cleanup(): void;
}

/** A temporary directory for SQLite files, and a way to look inside them. */
export function tempDatabase(): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'tokenward-server-'));
  const file = join(dir, 'test.sqlite');
  let db: Database.Database | undefined;
  const open = () => (db ??= new Database(file, { fileMustExist: true }));
  return {
    file,
    query: <T>(sql: string, ...params: unknown[]) =>
      open()
        .prepare(sql)
        .all(...params) as T[],
    run: (sql: string, ...params: unknown[]) =>
      void open()
        .prepare(sql)
        .run(...params),
    cleanup: () => {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The parts of the shared server a test file uses; read them inside tests (the server starts in beforeAll). */
export type TestServer = Pick<ReferenceServer, 'url' | 'control'>;

/**
 * One reference server for the whole test file: started before the first test,
 * its switches and counters reset before each, closed after the last. With `db`,
 * it runs on that temporary database, which is removed once the server is closed.
 */
export function useServer(options: ReferenceServerOptions & { db?: TempDatabase } = {}): TestServer {
  const { db, ...serverOptions } = options;
  let server: ReferenceServer | undefined;
  const started = (): ReferenceServer => {
    if (!server) throw new Error('the test server is not started yet');
    return server;
  };
  beforeAll(async () => {
    server = await startReferenceServer(db ? { ...serverOptions, database: db.file } : serverOptions);
  });
  afterAll(async () => {
    await server?.close();
    db?.cleanup();
  });
  beforeEach(() => started().control.reset());
  return {
    get url() {
      return started().url;
    },
    get control() {
      return started().control;
    },
  };
}

/** Runs `test` against a server of its own, closed afterwards whatever happens. */
export async function withServer(options: ReferenceServerOptions, test: (server: ReferenceServer) => Promise<void>): Promise<void> {
  const server = await startReferenceServer(options);
  try {
    await test(server);
  } finally {
    await server.close();
  }
}

/** Polls until the condition holds (for server-side effects no response tells about). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Sends JSON POSTs that reach the server together, whatever the client's connection pool does:
 * every request goes out on its own connection but its last byte, and once all are connected
 * and written, the last bytes go out in one go (a "last-byte sync"). Resolves with the statuses
 * in the order given.
 */
export async function burst(baseUrl: string, requests: { path: string; json: unknown; headers?: Record<string, string> }[]): Promise<number[]> {
  const { port } = new URL(baseUrl);
  const sockets = await Promise.all(
    requests.map(
      ({ path, json, headers = {} }) =>
        new Promise<{ socket: Socket; last: string; status: Promise<number> }>((resolve, reject) => {
          const body = JSON.stringify(json);
          const head = Object.entries({
            ...headers,
            host: `127.0.0.1:${port}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            connection: 'close',
          })
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('');
          const socket = connect(Number(port), '127.0.0.1');
          let answer = '';
          const status = new Promise<number>((done, fail) => {
            socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
            socket.once('end', () => done(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
            socket.once('error', fail);
          });
          socket.once('error', reject);
          socket.once('connect', () =>
            socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n${body.slice(0, -1)}`, () => resolve({ socket, last: body.slice(-1), status })),
          );
        }),
    ),
  );
  for (const { socket, last } of sockets) socket.write(last);
  return Promise.all(sockets.map(({ status }) => status));
}
