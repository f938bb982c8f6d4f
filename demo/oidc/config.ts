// What the OIDC demo page needs to know about the servers the demo started (/oidc-config.json).
export interface OidcDemoConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly apiUrl: string;
  /** Seconds: the page's clocks show the access token's lifetime, which the ID token's claims do not tell. */
  readonly accessTokenTtl: number;
}
