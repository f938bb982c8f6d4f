// What both okta-auth-js benches share: the client options and an access token in the shape
// TokenManager stores (key `accessToken` in localStorage `okta-token-storage`).
import type { AccessToken, OktaAuthOptions, UserClaims } from '@okta/okta-auth-js';
import { claimsFor, fakeJwt, LONG_LIFETIME } from './fake-tokens.ts';

const issuer = 'https://bench.okta.invalid/oauth2/default';
const clientId = 'bench-spa';
const scopes = ['openid', 'profile', 'email'];

export const oktaOptions: OktaAuthOptions = { issuer, clientId, redirectUri: `${location.origin}/login/callback` };

export function oktaAccessToken(): AccessToken {
  const { sub, iat, exp, jti } = claimsFor(LONG_LIFETIME);
  const claims: UserClaims = { sub, iat, exp, jti: String(jti), iss: issuer, aud: 'api://default', cid: clientId, scp: scopes };
  return {
    accessToken: fakeJwt(claims),
    claims,
    expiresAt: exp,
    tokenType: 'Bearer',
    scopes,
    authorizeUrl: `${issuer}/v1/authorize`,
    userinfoUrl: `${issuer}/v1/userinfo`,
  };
}
