// A DPoP authorization and resource server in one, on its own loopback origin (so CORS is
// real), built on the reference server's proof verifier: `POST /token` checks a proof and issues
// an opaque access token bound to the proof key; `GET /api/me` takes only that token with a
// proof by that key. Tests of the SDK's DPoP module run their proofs against it.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDpopVerifier, DPOP_EXPOSED_HEADERS, DpopError, dpopRefusal } from '../../../demo/server/dpop.ts';

export interface DpopServerOptions {
  /** Seconds a server nonce lives; 0 (the default): no nonces. */
  nonceLifetime?: number;
}

export interface DpopExchange {
  method: string;
  path: string;
  status: number;
}

export interface DpopServer {
  /** e.g. 'http://127.0.0.1:40123'. */
  url: string;
  /** Every non-preflight request with the status it got, in order. Live array. */
  exchanges: DpopExchange[];
  close(): Promise<void>;
}

export async function startDpopServer(options: DpopServerOptions = {}): Promise<DpopServer> {
  const verifier = createDpopVerifier({ nonceLifetime: options.nonceLifetime ?? 0 });
  /** Access token -> the thumbprint of the key it is bound to (its `cnf.jkt`). */
  const bound = new Map<string, string>();
  const exchanges: DpopExchange[] = [];
  let url = '';

  async function answer(req: IncomingMessage): Promise<{ status: number; headers?: Record<string, string>; body: string }> {
    const check = { proof: req.headers.dpop, method: req.method ?? '', url: url + (req.url ?? '') };
    const path = new URL(check.url).pathname;
    try {
      if (path === '/token' && req.method === 'POST') {
        const token = randomBytes(32).toString('base64url');
        bound.set(token, await verifier.verify(check));
        return { status: 200, body: JSON.stringify({ access_token: token, token_type: 'DPoP', expires_in: 60 }) };
      }
      if (path === '/api/me') {
        const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ');
        const jkt = bound.get(token);
        if (scheme !== 'DPoP' || jkt === undefined) {
          return { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token", algs="ES256"' }, body: '' };
        }
        return { status: 200, body: JSON.stringify({ jkt: await verifier.verify({ ...check, accessToken: token, jkt }) }) };
      }
      return { status: 404, body: '' };
    } catch (error) {
      if (!(error instanceof DpopError)) throw error;
      return dpopRefusal(error, path === '/token' ? 'token' : 'resource');
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', DPOP_EXPOSED_HEADERS);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, DPoP, Content-Type');
      res.writeHead(204).end();
      return;
    }
    // Every answer carries the current nonce: any response may update what the client knows.
    const nonce = verifier.nonce();
    if (nonce) res.setHeader('DPoP-Nonce', nonce);
    req.resume();
    req.on('end', () => {
      void answer(req).then(({ status, headers = { 'Content-Type': 'application/json' }, body }) => {
        exchanges.push({ method: req.method ?? '', path: req.url ?? '', status });
        res.writeHead(status, headers).end(body);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
