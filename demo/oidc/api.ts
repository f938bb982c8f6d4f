// The API of the OIDC demo and tests, on an origin of its own: it accepts the provider's JWT
// access tokens (signature from the provider's JWKS, issuer, audience, expiry) and nothing else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';

export interface OidcApi {
  /** e.g. 'http://127.0.0.1:40125' (no trailing slash): the access tokens' audience. */
  readonly url: string;
  /** Token verdicts so far: accepted, and refused (missing, expired, forged, for another audience). */
  stats(): { accepted: number; refused: number };
  /** Points the API at its provider once that is up (the provider needs the API's URL first). */
  trust(issuer: string): void;
  close(): Promise<void>;
}

export async function startOidcApi(options: { port?: number } = {}): Promise<OidcApi> {
  let verifier: { issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const counts = { accepted: 0, refused: 0 };
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    // Any page may call it: the token is the only credential it looks at. (The SDK sends
    // credentials to trusted origins, so the answer must allow them to be readable.)
    if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.writeHead(204).end();
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
    if (!token || !verifier) {
      counts.refused++;
      answer(401, { error: 'invalid_token' });
      return;
    }
    jwtVerify(token, verifier.jwks, { issuer: verifier.issuer, audience: url, typ: 'at+jwt' }).then(
      ({ payload }) => {
        counts.accepted++;
        answer(200, { sub: payload.sub, exp: payload.exp });
      },
      () => {
        counts.refused++;
        answer(401, { error: 'invalid_token' });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stats: () => ({ ...counts }),
    trust(issuer) {
      verifier = { issuer, jwks: createRemoteJWKSet(new URL(`${issuer}/jwks`)) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
