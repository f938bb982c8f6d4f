// Bundle-size app: @okta/okta-auth-js as its README uses it (redirect sign-in, token manager, services started).
import { OktaAuth } from '@okta/okta-auth-js';
import { callApi, onClick, show } from './shared/ui.ts';

const authClient = new OktaAuth({
  issuer: 'https://example.okta.com/oauth2/default',
  clientId: 'spa',
  redirectUri: `${location.origin}/login/callback`,
});

async function main(): Promise<void> {
  if (authClient.isLoginRedirect()) await authClient.handleLoginRedirect();
  await authClient.start();
  authClient.authStateManager.subscribe((state) => show(state.isAuthenticated ? 'signed in' : 'signed out'));
  onClick('#login', () => authClient.signInWithRedirect());
  onClick('#me', async () => callApi((await authClient.getOrRenewAccessToken()) ?? undefined));
  onClick('#logout', () => authClient.signOut());
}

void main();
