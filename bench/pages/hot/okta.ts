// okta-auth-js: the token manager's default storage (localStorage, key `okta-token-storage`)
// holds an access token in the shape TokenManager.setTokens writes; services started as in the README.
import { OktaAuth } from '@okta/okta-auth-js';
import { oktaAccessToken, oktaOptions } from '../lib/okta.ts';
import type { HotContender } from './contender.ts';

export async function setup(): Promise<HotContender> {
  const accessToken = oktaAccessToken();
  localStorage.setItem('okta-token-storage', JSON.stringify({ accessToken }));
  const authClient = new OktaAuth(oktaOptions);
  await authClient.start();
  return { call: () => authClient.getOrRenewAccessToken(), tokenOf: (result) => result, expected: accessToken.accessToken };
}
