// okta-auth-js with its services started (SyncStorageService: broadcast-channel between tabs).
// Sign-in: tokenManager.setTokens, heard by the others as `added`; sign-out: tokenManager.clear(),
// heard as `removed`. Neither touches the network.
import { OktaAuth } from '@okta/okta-auth-js';
import { oktaAccessToken, oktaOptions } from '../lib/okta.ts';
import type { TabSetup } from './contender.ts';

export const setup: TabSetup = async (round) => {
  const authClient = new OktaAuth(oktaOptions);
  authClient.tokenManager.on('added', () => round.signedIn.mark());
  authClient.tokenManager.on('removed', () => {
    round.heard.mark();
    round.settled.mark();
  });
  await authClient.start();
  return {
    othersFollowSignIn: true,
    async signIn() {
      authClient.tokenManager.setTokens({ accessToken: oktaAccessToken() });
    },
    signOut() {
      authClient.tokenManager.clear();
      round.returned.mark();
    },
  };
};
