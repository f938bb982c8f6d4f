// auth0-spa-js: its default cache is in memory, so the seed goes into an in-memory cache of its
// own kind (InMemoryCache, passed as `cache`), in the two entries a code exchange leaves there
// (_saveEntryInCache): the ID token under `@@auth0spajs@@::<clientId>::@@user@@` and the access
// token under `@@auth0spajs@@::<clientId>::<audience>::<scope>`.
import { Auth0Client, InMemoryCache } from '@auth0/auth0-spa-js';
import { claimsFor, fakeJwt, LONG_LIFETIME } from '../lib/fake-tokens.ts';
import type { HotContender } from './contender.ts';

const domain = 'bench.auth0.invalid';
const clientId = 'bench-spa';
/** What the client asks for by default: the `default` audience, scope "openid profile email". */
const audience = 'default';
const scope = 'openid profile email';

export async function setup(): Promise<HotContender> {
  const cache = new InMemoryCache().enclosedCache;
  const claims = claimsFor(LONG_LIFETIME, { iss: `https://${domain}/`, aud: clientId });
  const accessToken = fakeJwt(claims);
  const idToken = fakeJwt({ ...claims, name: 'Bench User', email: 'bench@example.com' });
  const [header, payload, signature] = idToken.split('.');
  const user = { sub: claims.sub, name: 'Bench User', email: 'bench@example.com' };
  void cache.set(`@@auth0spajs@@::${clientId}::@@user@@`, {
    id_token: idToken,
    decodedToken: {
      encoded: { header, payload, signature },
      header: { alg: 'RS256', typ: 'JWT' },
      claims: { __raw: idToken, ...claims, ...user },
      user,
    },
  });
  void cache.set(`@@auth0spajs@@::${clientId}::${audience}::${scope}`, {
    body: { access_token: accessToken, token_type: 'Bearer', expires_in: LONG_LIFETIME, scope, audience, client_id: clientId },
    expiresAt: claims.exp,
  });
  const client = new Auth0Client({ domain, clientId, authorizationParams: { redirect_uri: location.origin }, cache });
  return { call: () => client.getTokenSilently(), tokenOf: (result) => result, expected: accessToken };
}
