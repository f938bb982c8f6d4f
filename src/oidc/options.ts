/** What `oidc()` takes: the provider, and this app as the provider knows it (a public client). */
export interface OidcOptions {
  /** The provider's issuer identifier; its discovery document must name exactly this issuer. https (http only on a loopback host). */
  readonly issuer: string;
  readonly clientId: string;
  /** Where the provider sends the browser back after sign-in: a page of this app that creates the session. Registered at the provider. */
  readonly redirectUri: string;
  /** Default `openid profile offline_access` (offline_access: the provider hands out a refresh token). */
  readonly scope?: string;
  /** Where the provider sends the browser after `logout({ redirect: true })`. Registered at the provider. */
  readonly postLogoutRedirectUri?: string;
  /** More authorization request parameters on every sign-in (Auth0's `audience`, a `resource` indicator, …). */
  readonly extraParams?: Readonly<Record<string, string>>;
}

/** What `session.login()` takes with `oidc()`: all optional. */
export interface OidcLoginOptions {
  /** OpenID `prompt`: `login`, `consent`, `select_account`, `none`. */
  readonly prompt?: string;
  readonly loginHint?: string;
  /** Where the app wants to be after the sign-in (read it from `returnTo` of the flow). Default: the current path, query and hash. */
  readonly returnTo?: string;
  /** More authorization request parameters for this sign-in only. */
  readonly extraParams?: Readonly<Record<string, string>>;
}

/** Hosts on which an `http:` issuer is accepted: local development and tests, never a network. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The issuer as a URL: https, or http on a loopback host; anything else is refused at once. */
export function issuerUrl(issuer: string): URL {
  const url = new URL(issuer);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new TypeError(`tokenward/oidc: the issuer must use https (http only on 127.0.0.1, localhost or [::1]): ${issuer}`);
}
