import {
  allowInsecureRequests,
  authorizationCodeGrantRequest,
  AuthorizationResponseError,
  customFetch,
  discoveryRequest,
  generateRandomState,
  getValidatedIdTokenClaims,
  None,
  processAuthorizationCodeResponse,
  processDiscoveryResponse,
  processRefreshTokenResponse,
  processRevocationResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  validateAuthResponse,
  type AuthorizationServer,
  type Client,
  type TokenEndpointResponse,
} from 'oauth4webapi';
import type { DpopKey } from '../contract/dpop.js';
import type { Flow, FlowContext } from '../contract/flow.js';
import { TokenwardError } from '../errors.js';
import { openStash } from '../storage/stash.js';
import { parseHttpDate, parseTokenResponse, refuseForeign, type TokenSet } from '../tokens.js';
import { oauthFailure, read, send } from './errors.js';
import { issuerUrl, type OidcLoginOptions, type OidcOptions } from './options.js';
import { pendingKey, startPending, takePending } from './pending.js';

/** Where a completed sign-in wanted to return to; written by the callback, read by the app. */
export interface CallbackOutcome {
  returnTo: string | null;
}

const DEFAULT_SCOPE = 'openid profile offline_access';
/** The OAuth parameters that mark a page load as a sign-in callback. */
const CALLBACK_PARAMS = ['code', 'error'];

/**
 * The OpenID Connect flow for a public client: authorization code with PKCE (S256), refresh
 * grant, revocation (RFC 7009) and RP-initiated logout, all through oauth4webapi. The provider
 * gets no bearer token, no cookie and no CSRF header: its endpoints are called with the global
 * fetch, never with the session's authenticated one.
 *
 * With DPoP (`context.dpop`), the session's key binds the authorization code (`dpop_jkt`), and
 * every call to the token and revocation endpoints carries a proof by it (`fetchWith`: nonce
 * challenges get their one retry there, before oauth4webapi reads the answer).
 */
export function createOidcFlow(options: OidcOptions, context: FlowContext, outcome: CallbackOutcome): Flow<OidcLoginOptions | void> {
  const issuer = issuerUrl(options.issuer);
  const client: Client = { client_id: options.clientId };
  const auth = None();
  // oauth4webapi refuses http unless told; issuerUrl let only loopback hosts through.
  const insecure = issuer.protocol === 'http:' ? { [allowInsecureRequests]: true } : {};
  const stash = openStash(context, 'oidc-login');
  const { timeout, dpop } = context;
  let metadata: Promise<AuthorizationServer> | undefined;

  /** The discovery document, fetched once for the page (and again after a failure), never on a plain restore. */
  function discover(): Promise<AuthorizationServer> {
    metadata ??= send('discovery', timeout, undefined, (signal) => discoveryRequest(issuer, { ...insecure, signal })).then((response) =>
      read(
        'discovery',
        response,
        (r) => processDiscoveryResponse(issuer, r),
        () => 'http',
      ),
    );
    metadata.catch(() => (metadata = undefined));
    return metadata;
  }

  /** How the calls to the provider's token endpoints go out: with a proof by `key`, when the tokens are (to be) bound to one. */
  const fetchFor = (key: DpopKey | null): typeof fetch => (key && dpop ? dpop.fetchWith(key) : (input, init) => fetch(input, init));

  /** Reads a token response; with a key, the provider must have bound the tokens to it: `Bearer` means it ignored the proof. */
  const bound = (key: DpopKey | null, result: TokenEndpointResponse): TokenEndpointResponse => {
    refuseForeign(key, result.token_type);
    return result;
  };

  /** The provider's token response as a TokenSet; what a refresh response leaves out (ID token, rotated refresh token) is carried over. */
  function tokensOf(result: TokenEndpointResponse, response: Response, previous?: TokenSet): TokenSet {
    const base = parseTokenResponse(result, 'bearer', {
      receivedAt: Date.now(),
      serverDate: parseHttpDate(response.headers.get('date')),
    });
    const idClaims = getValidatedIdTokenClaims(result);
    const idToken = result.id_token ?? previous?.extra?.idToken;
    const tokens: TokenSet = {
      ...base,
      refreshToken: base.refreshToken ?? previous?.refreshToken ?? null,
      // The identity is the ID token's: a provider's access token may well be opaque.
      claims: idClaims ? { ...idClaims } : (previous?.claims ?? null),
      ...(idToken ? { extra: { idToken } } : {}),
    };
    // The DPoP binding was checked as the answer was read (bound()): here, the user.
    return refuseForeign(null, null, tokens, previous);
  }

  return {
    async login(input, _signal, key) {
      const as = await discover();
      const here = `${location.pathname}${location.search}${location.hash}`;
      const { pending, challenge } = await startPending(stash, input?.returnTo ?? here, key);
      const url = new URL(as.authorization_endpoint ?? '');
      const params = {
        ...options.extraParams,
        ...input?.extraParams,
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        response_type: 'code',
        scope: options.scope ?? DEFAULT_SCOPE,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        prompt: input?.prompt,
        login_hint: input?.loginHint,
        // Binds the code to the key (RFC 9449 §10): only its holder can exchange it.
        dpop_jkt: pending.jkt,
      };
      navigate(url, params);
      return null;
    },

    async callback() {
      if (typeof location === 'undefined') return null;
      const here = new URL(location.href);
      const redirect = new URL(options.redirectUri);
      if (here.origin !== redirect.origin || here.pathname !== redirect.pathname) return null;
      if (!CALLBACK_PARAMS.some((name) => here.searchParams.has(name))) return null;
      // Cleaned first, whatever follows: the code and state must not stay in the address bar or history.
      history.replaceState(history.state, '', redirect.href);
      const pending = await takePending(stash, here.searchParams.get('state'));
      const as = await discover();
      let params: URLSearchParams;
      try {
        // Checks `iss` (RFC 9207) when the provider advertises it, and the state once more.
        params = validateAuthResponse(as, client, here, pending.state);
      } catch (error) {
        if (error instanceof AuthorizationResponseError) {
          throw oauthFailure('login_failed', error.error, error.error_description, { cause: error });
        }
        throw new TokenwardError('callback_rejected', `sign-in callback refused: ${(error as Error).message}`, { cause: error });
      }
      const key = await pendingKey(dpop, pending);
      const response = await send('code exchange', timeout, undefined, (signal) =>
        authorizationCodeGrantRequest(as, client, auth, params, options.redirectUri, pending.verifier, { ...insecure, signal, [customFetch]: fetchFor(key) }),
      );
      const result = await read(
        'code exchange',
        response,
        async (r) => bound(key, await processAuthorizationCodeResponse(as, client, r, { expectedNonce: pending.nonce, requireIdToken: true })),
        () => 'login_failed',
        'callback_rejected',
      );
      outcome.returnTo = pending.returnTo;
      return { tokens: tokensOf(result, response), key };
    },

    async refresh(tokens, signal, key) {
      if (!tokens.refreshToken) throw new TokenwardError('refresh_rejected', 'refresh: the provider gave no refresh token (scope offline_access?)');
      const as = await discover();
      const refreshToken = tokens.refreshToken;
      const response = await send('refresh', timeout, signal, (signal) =>
        refreshTokenGrantRequest(as, client, auth, refreshToken, { ...insecure, signal, [customFetch]: fetchFor(key) }),
      );
      const result = await read(
        'refresh',
        response,
        async (r) => bound(key, await processRefreshTokenResponse(as, client, r)),
        (error) => (error === 'invalid_grant' ? 'refresh_rejected' : 'http'),
      );
      return tokensOf(result, response, tokens);
    },

    async logout(tokens, key) {
      const token = tokens?.refreshToken;
      if (!token) return;
      const as = await discover();
      if (!as.revocation_endpoint) return;
      const response = await send('revocation', timeout, undefined, (signal) =>
        revocationRequest(as, client, auth, token, {
          ...insecure,
          signal,
          additionalParameters: { token_type_hint: 'refresh_token' },
          // keepalive: the revocation must reach the provider even when the page goes away next.
          [customFetch]: (url, init) => fetchFor(key)(url, { ...init, keepalive: true }),
        }),
      );
      await read('revocation', response, processRevocationResponse, () => 'logout_failed');
    },

    async endSession(tokens) {
      const as = await discover();
      if (!as.end_session_endpoint) return;
      // A GET navigation, as RP-Initiated Logout specifies and every provider accepts. (A POST
      // from the app's site would reach a provider on another site without its SameSite=Lax
      // session cookie, so the provider could not end its session.) The ID token is only a hint
      // to the provider that issued it, over its own endpoint; no API accepts it.
      const url = new URL(as.end_session_endpoint);
      const params = {
        id_token_hint: tokens.extra?.idToken,
        client_id: options.clientId,
        post_logout_redirect_uri: options.postLogoutRedirectUri,
        state: generateRandomState(),
      };
      navigate(url, params);
    },
  };
}

/** Leaves the page for `url` with `params` (those not undefined) added to its query. */
function navigate(url: URL, params: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  location.assign(url.href);
}
