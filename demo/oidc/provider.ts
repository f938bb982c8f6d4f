// A real, certified OpenID Provider (oidc-provider) on loopback, for the browser tests and the
// demo: a public SPA client, PKCE required, refresh-token rotation, revocation, RP-initiated
// logout, short-lived JWT access tokens for one API (a resource indicator), DPoP (RFC 9449: it
// binds the tokens of a client that sends proofs, and hands out nonces when told to), and the
// provider's development login and consent pages, which a browser fills in like a user.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

export interface OidcProviderOptions {
  /** Origins of the SPA pages: each gets `<origin><page>` as redirect and post-logout URI. */
  appOrigins: readonly string[];
  /** Path of the SPA page that is the redirect URI. Default '/oidc.html'. */
  page?: string;
  /** The API the access tokens are for (its origin is the token audience). */
  apiUrl: string;
  /** Access-token lifetime in seconds. Default 4. */
  accessTokenTtl?: number;
  port?: number; // default 0 = ephemeral; always binds 127.0.0.1
}

/** What a provider request looked like, for "who sent what to the provider" checks. */
export interface ProviderRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The DPoP proof the request carried, if any. */
  readonly dpop: string | undefined;
  readonly cookie: boolean;
  readonly status: number;
}

export interface ProviderStats {
  /** Refresh-token grants answered, successful or not. */
  refreshCalls: number;
  /** Successful refreshes: each rotated the refresh token. */
  rotations: number;
  /** Refresh grants refused with invalid_grant (reuse of a rotated token, a revoked or ended grant). */
  invalidGrants: number;
  codeExchanges: number;
  revocations: number;
}

/** Failure switches for the token or revocation endpoint: a 500, or a connection dropped before any answer (the provider down). */
export type TokenFailure = 'none' | '500' | 'down';
export type FailingEndpoint = '/token' | '/token/revocation';

export interface OidcProvider {
  /** The issuer, e.g. 'http://127.0.0.1:40123' (no trailing slash). */
  readonly issuer: string;
  readonly clientId: string;
  /** Every request so far (live array). */
  readonly requests: ProviderRequest[];
  stats(): ProviderStats;
  /** Resets the counters and the request log. */
  resetStats(): void;
  /** Makes `endpoint` (default the token endpoint) fail; 'none' restores it, and every other endpoint. */
  failToken(failure: TokenFailure, endpoint?: FailingEndpoint): void;
  /** From now on, a DPoP proof without a current server nonce is answered `400 use_dpop_nonce` with one (off after each test). */
  requireDpopNonce(required: boolean): void;
  /** From now on, the provider acts as one without DPoP support: it never sees `dpop_jkt` nor a proof, and issues Bearer tokens. */
  ignoreDpop(ignored: boolean): void;
  /** The refresh tokens the provider holds right now (opaque values). */
  refreshTokens(): string[];
  /**
   * From now on, every refresh grant is answered for `user` (its ID and access tokens name that
   * user, whoever signed in), as a provider that mixed up accounts would; null stops it. Tests only.
   */
  answerRefreshesAs(user: string | null): void;
  /**
   * From now on (until called with false), a successful refresh grant's answer is held back after
   * the provider rotated the refresh token: a page that goes away meanwhile never gets it. Tests only.
   */
  holdRefreshAnswers(hold: boolean): void;
  /** From now on, access tokens last `seconds`; null goes back to `accessTokenTtl`. */
  issueAccessTokensFor(seconds: number | null): void;
  /** Ends every grant at the provider, as an administrator would: every refresh token stops working. */
  revokeAllGrants(): Promise<void>;
  /** How many end-user sessions (browsers signed in at the provider) are alive. */
  sessionCount(): number;
  close(): Promise<void>;
}

const CLIENT_ID = 'tokenward-spa';

/** What the request log keeps of a request, besides its status. */
function requestOf(ctx: { method: string; path: string; get(header: string): string }): Omit<ProviderRequest, 'status'> {
  return {
    method: ctx.method,
    path: ctx.path,
    authorization: ctx.get('authorization') || undefined,
    dpop: ctx.get('dpop') || undefined,
    cookie: !!ctx.get('cookie'),
  };
}

const grantType = (ctx: { oidc?: { params?: { grant_type?: unknown } } }) => ctx.oidc?.params?.grant_type;

/** oidc-provider's storage, in memory, open to the checks above (the bundled one hides its contents). */
function memoryAdapter(): { factory: (name: string) => Adapter; entries: Map<string, AdapterPayload> } {
  const entries = new Map<string, AdapterPayload>();
  const key = (model: string, id: string) => `${model}:${id}`;
  const factory = (model: string): Adapter => ({
    async upsert(id, payload) {
      entries.set(key(model, id), payload);
    },
    find: async (id) => entries.get(key(model, id)),
    findByUserCode: async (code) => [...entries.values()].find((payload) => payload.userCode === code),
    findByUid: async (uid) => [...entries.values()].find((payload) => payload.uid === uid),
    async consume(id) {
      const payload = entries.get(key(model, id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      entries.delete(key(model, id));
    },
    async revokeByGrantId(grantId) {
      for (const [name, payload] of entries) if (payload.grantId === grantId) entries.delete(name);
    },
  });
  return { factory, entries };
}

/** The development pages pull a web font from the internet; nothing here may leave loopback. */
const WEB_FONT = /@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);/g;

export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apiOrigin = new URL(options.apiUrl).origin;
  const page = options.page ?? '/oidc.html';
  const ttl = options.accessTokenTtl ?? 4;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const { factory, entries } = memoryAdapter();
  let nonceRequired = false;
  let dpopIgnored = false;
  let refreshesAnsweredAs: string | null = null;
  /** Set while refresh answers are held: resolving it lets them go. */
  let held: { promise: Promise<void>; release: () => void } | null = null;
  let accessTtl = ttl;

  const provider = new Provider(issuer, {
    adapter: factory,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'demo', alg: 'RS256', use: 'sig' }] },
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.appOrigins.map((origin) => `${origin}${page}`),
        post_logout_redirect_uris: options.appOrigins.map((origin) => `${origin}${page}?signed-out`),
      },
    ],
    // Public clients need PKCE anyway; said explicitly, since it is what the tests rely on.
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'api'],
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: (ctx, sub) => {
      // oidc-provider names in the tokens whichever account this returns (it checks no more).
      const accountId = (grantType(ctx) === 'refresh_token' && refreshesAnsweredAs) || sub;
      return { accountId, claims: () => ({ sub: accountId, name: `User ${accountId}` }) };
    },
    // A refresh token for the SPA without the offline_access + prompt=consent dance of the spec.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: { AccessToken: () => accessTtl, IdToken: 3600, RefreshToken: 3600, Grant: 3600, Session: 3600, Interaction: 600, AuthorizationCode: 60 },
    cookies: { keys: ['tokenward demo provider cookie key, loopback only'] },
    // CORS for the SPA's own origins (those of its redirect URIs) only.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    features: {
      devInteractions: { enabled: true },
      // A public client may revoke its own tokens (oidc-provider checks the token belongs to it).
      revocation: { enabled: true, allowedPolicy: () => true },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's own confirmation page, without the default one's web font from the internet.
        logoutSource: (ctx, form) => {
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head><body>
            <h1>Sign out of the demo provider?</h1>${form}
            <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
            <button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
        },
      },
      // Tokens requested with a proof are bound to its key: access tokens get `cnf.jkt`, and a
      // public client's refresh token works only with a proof by that key. Nonces come from an
      // HMAC over the time step (oidc-provider's own), so nothing is stored per nonce.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => nonceRequired },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => apiOrigin,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience: apiOrigin,
          accessTokenTTL: accessTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });

  const requests: ProviderRequest[] = [];
  const counts: ProviderStats = { refreshCalls: 0, rotations: 0, invalidGrants: 0, codeExchanges: 0, revocations: 0 };
  let failure: TokenFailure = 'none';
  let failing: FailingEndpoint = '/token';

  provider.use(async (ctx, next) => {
    if (dpopIgnored) {
      delete ctx.req.headers.dpop;
      const query = new URLSearchParams(ctx.querystring);
      query.delete('dpop_jkt');
      ctx.querystring = query.toString();
    }
    if (failure !== 'none' && ctx.method === 'POST' && ctx.path === failing) {
      requests.push({ ...requestOf(ctx), status: 0 });
      if (failure === 'down') {
        ctx.req.socket.destroy();
        ctx.respond = false;
        return;
      }
      // Readable by the page (CORS), so that it is a 500 it sees, not a blocked response.
      if (ctx.get('origin')) ctx.set('Access-Control-Allow-Origin', ctx.get('origin'));
      ctx.status = 500;
      ctx.body = 'provider failure (test switch)';
      return;
    }
    await next();
    if (held && ctx.path === '/token' && grantType(ctx as Parameters<typeof grantType>[0]) === 'refresh_token' && ctx.status === 200) await held.promise;
    requests.push({ ...requestOf(ctx), status: ctx.status });
    if (typeof ctx.body === 'string') ctx.body = ctx.body.replace(WEB_FONT, '');
  });

  provider.on('grant.success', (ctx) => {
    if (grantType(ctx) === 'refresh_token') {
      counts.refreshCalls++;
      counts.rotations++;
    } else if (grantType(ctx) === 'authorization_code') counts.codeExchanges++;
  });
  provider.on('grant.error', (ctx, error) => {
    if (grantType(ctx) !== 'refresh_token') return;
    counts.refreshCalls++;
    if ((error as { error?: string }).error === 'invalid_grant') counts.invalidGrants++;
  });
  // Quiet in tests: these are answers the tests provoke on purpose (invalid_grant, aborted sign-ins).
  provider.on('server_error', (_ctx, error) => console.error('[oidc-provider]', error));

  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));

  const ofModel = (model: string) => [...entries].filter(([name]) => name.startsWith(`${model}:`));
  return {
    issuer,
    clientId: CLIENT_ID,
    requests,
    stats: () => ({ ...counts, revocations: requests.filter((r) => r.path === '/token/revocation' && r.status === 200).length }),
    resetStats() {
      requests.splice(0);
      Object.assign(counts, { refreshCalls: 0, rotations: 0, invalidGrants: 0, codeExchanges: 0, revocations: 0 });
    },
    failToken(next, endpoint = '/token') {
      failure = next;
      failing = endpoint;
    },
    requireDpopNonce(required) {
      nonceRequired = required;
    },
    ignoreDpop(ignored) {
      dpopIgnored = ignored;
    },
    refreshTokens: () =>
      ofModel('RefreshToken')
        .filter(([, payload]) => !payload.consumed)
        .map(([name]) => name.slice('RefreshToken:'.length)),
    answerRefreshesAs(user) {
      refreshesAnsweredAs = user;
    },
    holdRefreshAnswers(hold) {
      if (hold) {
        let release = () => {};
        held ??= { promise: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
      } else {
        held?.release();
        held = null;
      }
    },
    issueAccessTokensFor(seconds) {
      accessTtl = seconds ?? ttl;
    },
    async revokeAllGrants() {
      for (const [name] of ofModel('Grant')) await factory('Grant').revokeByGrantId(name.slice('Grant:'.length));
      for (const [name] of ofModel('Grant')) entries.delete(name);
    },
    sessionCount: () => ofModel('Session').length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        held?.release();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
