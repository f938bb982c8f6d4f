// A second HTTP server on 127.0.0.1, on another port and so another origin, that records every
// request it gets. Tests point the SDK's http client (or a stray fetch) at it to prove that
// no bearer token, CSRF header or token-bearing body ever reaches an origin that is not trusted.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path plus query string, e.g. '/api/items?x=1'. */
  path: string;
  /** Lower-case header names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
}

export interface Recorder {
  /** e.g. 'http://127.0.0.1:40123' (no trailing slash), usable as an origin and a base URL. */
  url: string;
  /** Every request so far, preflights (OPTIONS) included, in arrival order. Live array. */
  records: RecordedRequest[];
  clear(): void;
  close(): Promise<void>;
}

export interface RecorderOptions {
  /** The only origin CORS lets in (e.g. the reference server's url); default: whichever asks. */
  allowOrigin?: string;
  /** The JSON every request but a preflight gets; default '{"ok":true}'. */
  body?: string;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export async function startRecorder(options: RecorderOptions = {}): Promise<Recorder> {
  const records: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = flatten(req.headers);
      records.push({ method: req.method ?? '', path: req.url ?? '', headers, body: Buffer.concat(chunks).toString() });

      // CORS as permissive as a credentialed request allows: echo the origin (never '*', which
      // credentials forbid), allow any method and header. The point is that the browser *would*
      // deliver whatever the SDK tries to send, so only the SDK's own rules keep tokens away.
      const origin = headers.origin;
      if (origin && (!options.allowOrigin || origin === options.allowOrigin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS' && headers['access-control-request-method']) {
        res.setHeader('Access-Control-Allow-Methods', headers['access-control-request-method']);
        const wanted = headers['access-control-request-headers'];
        if (wanted) res.setHeader('Access-Control-Allow-Headers', wanted);
        // Chromium's local-network-access checks ask this on loopback too, in some versions.
        if (headers['access-control-request-private-network']) res.setHeader('Access-Control-Allow-Private-Network', 'true');
        res.setHeader('Access-Control-Max-Age', '0'); // every request preflights, so every one is seen
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(options.body ?? '{"ok":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    clear: () => void records.splice(0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // Chromium keeps connections alive; close() would wait for them
      }),
  };
}
