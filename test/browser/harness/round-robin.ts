// A small load balancer on 127.0.0.1: each request goes to the next backend in turn, so the
// browser sees one origin while its requests alternate between server processes. The turn is
// kept per path, so that successive refreshes alternate strictly whatever API calls come
// between them (a test can then say which process a refresh reaches). Like a real
// one (nginx's proxy_next_upstream error), a backend that refuses the connection is taken out
// and the request goes to the next one; a backend that fails after taking a request gets the
// client a 502, never a retry (the request may have had an effect).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Served {
  method: string;
  path: string;
  backend: number; // index into the backends, or -1 when none could take it
  status: number; // 502 for a backend that failed mid-request
}

export interface RoundRobin {
  url: string;
  /** Every request so far, in arrival order. Live array. */
  served: Served[];
  /** Which backend takes the next request to `path` (the turn then moves on from there). */
  nextTo(path: string, backend: number): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive']);

function withoutHopByHop(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

export async function startRoundRobin(backends: readonly string[]): Promise<RoundRobin> {
  const down = new Set<number>();
  const served: Served[] = [];
  const turns = new Map<string, number>();

  const forward = (index: number, req: IncomingMessage, body: Buffer, res: ServerResponse, entry: Served, tries: number): void => {
    entry.backend = index;
    // A connection per request (agent: false): no pooled socket to a killed backend to trip over.
    const headers = { ...req.headers, connection: 'close' };
    const upstream = request(new URL(req.url ?? '/', backends[index]), { method: req.method, headers, agent: false }, (answer) => {
      entry.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.rawHeaders));
      answer.pipe(res);
      answer.once('error', () => res.destroy());
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && tries < backends.length) {
        down.add(index);
        return pick(req, body, res, entry, tries + 1);
      }
      entry.status = 502;
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway"}');
    });
    upstream.end(body);
  };

  const pick = (req: IncomingMessage, body: Buffer, res: ServerResponse, entry: Served, tries: number): void => {
    const turn = turns.get(entry.path) ?? 0;
    const live = backends.map((_, i) => (turn + i) % backends.length).filter((i) => !down.has(i));
    const index = live[0];
    if (index === undefined) {
      entry.status = 502;
      return void res.writeHead(502).end();
    }
    turns.set(entry.path, (index + 1) % backends.length);
    forward(index, req, body, res, entry, tries);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Served = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, backend: -1, status: 0 };
      served.push(entry);
      pick(req, Buffer.concat(chunks), res, entry, 1);
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    nextTo(path, backend) {
      turns.set(path, backend);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
