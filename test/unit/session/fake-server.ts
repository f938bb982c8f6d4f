// The stubbed server of the Node hub tests (the browser and server suites use the real one):
// a global fetch that answers the three auth endpoints like the reference server does, records
// when each request arrived, and lets a test script the next answers or hold one back.
import { vi } from 'vitest';

export const BASE_URL = 'http://127.0.0.1:1';
export const PASSWORD = 'wonderland';
/** Access-token lifetime the fake server hands out, in seconds. */
export const TTL = 60;

type Path = '/auth/login' | '/auth/refresh' | '/auth/logout';
type Reply = (request: Request) => Response | Promise<Response>;

export interface HeldRequest {
  /** Resolves once the request reached the server. */
  readonly arrived: Promise<void>;
  /** Resolves if the client aborts the request while it is held. */
  readonly aborted: Promise<void>;
  /** Lets it go on to its usual answer. */
  release(): void;
}

export interface FakeServer {
  /** When (Date.now(), on the fake clock) each request on `path` arrived. */
  arrivals(path: Path): number[];
  /** Answers the next request on `path` with `reply` instead of the usual answer. */
  next(path: Path, reply: Reply): void;
  /** Holds the next request on `path` until `release()`. */
  hold(path: Path): HeldRequest;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** Stubs the global fetch for this test (vi.unstubAllGlobals() restores it). Call it before createSession: ky takes fetch then. */
export function stubServer(): FakeServer {
  const arrivals = new Map<Path, number[]>();
  const scripted = new Map<Path, Reply[]>();
  let issued = 0;
  const tokens = (): Response => json(200, { access_token: `at-${++issued}`, token_type: 'Bearer', expires_in: TTL });
  const usual: Record<Path, Reply> = {
    '/auth/login': async (request) => {
      const { password } = (await request.json()) as { password?: string };
      return password === PASSWORD ? tokens() : json(401, { error: 'invalid_credentials' });
    },
    '/auth/refresh': tokens,
    '/auth/logout': () => new Response(null, { status: 204 }),
  };
  const next = (path: Path, reply: Reply): void => void scripted.set(path, [...(scripted.get(path) ?? []), reply]);

  vi.stubGlobal('fetch', async (input: Request | URL | string, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname as Path;
    arrivals.set(path, [...(arrivals.get(path) ?? []), Date.now()]);
    return (scripted.get(path)?.shift() ?? usual[path])(request);
  });

  return {
    arrivals: (path) => arrivals.get(path) ?? [],
    next,
    hold(path) {
      let arrive!: () => void;
      let release!: () => void;
      let abort!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const aborted = new Promise<void>((resolve) => (abort = resolve));
      next(path, (request) => {
        arrive();
        return new Promise<Response>((resolve, reject) => {
          request.signal.addEventListener('abort', () => {
            abort();
            reject(request.signal.reason as Error);
          });
          void released.then(() => resolve(usual[path](request)));
        });
      });
      return { arrived, aborted, release };
    },
  };
}
