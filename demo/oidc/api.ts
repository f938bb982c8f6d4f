// The API of the OIDC demo and tests, on an origin of its own: it accepts the provider's JWT
// access tokens (signature from the provider's JWKS, issuer, audience, expiry) and nothing else.
// A token bound to a DPoP key (its `cnf.jkt`, which oidc-provider writes into the JWT) is taken
// only as `Authorization: DPoP` with a proof by that key, checked by the reference server's
// verifier (demo/server/dpop.ts): as `Bearer`, or with another key's proof, it is refused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { createDpopVerifier, createNonces, DPOP_EXPOSED_HEADERS, DpopError, dpopRefusal } from '../server/dpop.ts';

export interface OidcApi {
  /** e.g. 'http://127.0.0.1:40125' (no trailing slash): the access tokens' audience. */
  readonly url: string;
  /** Token verdicts so far: accepted, and refused (missing, expired, forged, for another audience, bound but without its key's proof). */
  stats(): { accepted: number; refused: number };
  /** Every request that presented a token, with its verdict (live array): what a thief could have captured on the way. */
  readonly requests: ApiRequest[];
  /** Points the API at its provider once that is up (the provider needs the API's URL first). */
  trust(issuer: string): void;
  /** From now on, a proof without the API's current nonce is answered `401 WWW-Authenticate: DPoP error="use_dpop_nonce"` (off after each test). */
  requireDpopNonce(required: boolean): void;
  close(): Promise<void>;
}

export interface ApiRequest {
  readonly authorization: string;
  readonly dpop: string | string[] | undefined;
  readonly status: number;
}

/** What a refusal looks like: 401 with the scheme's challenge (RFC 6750 §3, RFC 9449 §7.1). */
interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const json = (status: number, body: unknown): Answer => ({
  status,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  body: JSON.stringify(body),
});
const invalidToken = (scheme: string): Answer => ({
  ...json(401, { error: 'invalid_token' }),
  headers: { 'WWW-Authenticate': `${scheme} error="invalid_token"` },
});

export async function startOidcApi(options: { port?: number } = {}): Promise<OidcApi> {
  let verifier: { issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const nonces = createNonces(0);
  const proofs = createDpopVerifier({ nonces });
  const counts = { accepted: 0, refused: 0 };
  const requests: ApiRequest[] = [];

  async function answer(authorization: string, proof: string | string[] | undefined, method: string, target: string): Promise<Answer> {
    const [, scheme = 'Bearer', token] = /^(Bearer|DPoP) (.+)$/i.exec(authorization) ?? [];
    if (!token || !verifier) return invalidToken('Bearer');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, verifier.jwks, { issuer: verifier.issuer, audience: url, typ: 'at+jwt' }));
    } catch {
      return invalidToken(scheme);
    }
    const jkt = (payload.cnf as { jkt?: unknown } | undefined)?.jkt;
    const dpop = scheme.toLowerCase() === 'dpop';
    // A bound token is worth nothing without its key: as Bearer it is refused like a forgery.
    if (dpop !== (typeof jkt === 'string')) return invalidToken(dpop ? 'DPoP' : 'Bearer');
    if (typeof jkt === 'string') {
      try {
        await proofs.verify({ proof, method, url: target, accessToken: token, jkt });
      } catch (error) {
        if (!(error instanceof DpopError)) throw error;
        const { status, headers, body } = dpopRefusal(error, 'resource');
        return { status, headers, body };
      }
    }
    return json(200, { sub: payload.sub, exp: payload.exp, ...(typeof jkt === 'string' && { jkt }) });
  }

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    // Any page may call it: the token is the only credential it looks at. (The SDK sends
    // credentials to trusted origins, so the answer must allow them to be readable.)
    if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', DPOP_EXPOSED_HEADERS);
    res.setHeader('Vary', 'Origin');
    // Every answer carries the current nonce, when there is one: any response may update what the client knows.
    const nonce = nonces.current();
    if (nonce) res.setHeader('DPoP-Nonce', nonce);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      res.writeHead(204).end();
      return;
    }
    const authorization = req.headers.authorization ?? '';
    const verdict = answer(authorization, req.headers.dpop, req.method ?? '', url + (req.url ?? ''));
    void verdict
      .catch(() => json(500, { error: 'server_error' }))
      .then(({ status, headers, body }) => {
        if (status === 200) counts.accepted++;
        else counts.refused++;
        if (authorization) requests.push({ authorization, dpop: req.headers.dpop, status });
        res.writeHead(status, headers).end(body);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stats: () => ({ ...counts }),
    requests,
    trust(issuer) {
      verifier = { issuer, jwks: createRemoteJWKSet(new URL(`${issuer}/jwks`)) };
    },
    requireDpopNonce(required) {
      nonces.lifetime = required ? 300 : 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
