// oidc-client-ts: its default user store (sessionStorage, key `oidc.user:<authority>:<client_id>`)
// holds a user in the shape User.toStorageString writes.
import { UserManager, type User } from 'oidc-client-ts';
import { claimsFor, fakeJwt, LONG_LIFETIME } from '../lib/fake-tokens.ts';
import type { HotContender } from './contender.ts';

const authority = 'https://bench.oidc.invalid';
const clientId = 'bench-spa';

export async function setup(): Promise<HotContender> {
  const claims = claimsFor(LONG_LIFETIME, { iss: authority, aud: clientId });
  const accessToken = fakeJwt(claims);
  sessionStorage.setItem(
    `oidc.user:${authority}:${clientId}`,
    JSON.stringify({
      id_token: fakeJwt({ ...claims, name: 'Bench User' }),
      session_state: null,
      access_token: accessToken,
      refresh_token: `bench-refresh-${crypto.randomUUID()}`,
      token_type: 'Bearer',
      scope: 'openid profile',
      profile: { sub: claims.sub, iss: authority, aud: clientId, exp: claims.exp, iat: claims.iat, name: 'Bench User' },
      expires_at: claims.exp,
    }),
  );
  const userManager = new UserManager({ authority, client_id: clientId, redirect_uri: `${location.origin}/callback` });
  return { call: () => userManager.getUser(), tokenOf: (user) => (user as User | null)?.access_token, expected: accessToken };
}
