// Bundle-size app: @auth0/auth0-spa-js as its quickstart uses it (redirect login, getTokenSilently).
import { createAuth0Client } from '@auth0/auth0-spa-js';
import { callApi, onClick, show } from './shared/ui.ts';

async function main(): Promise<void> {
  const auth0 = await createAuth0Client({
    domain: 'example.auth0.com',
    clientId: 'spa',
    authorizationParams: { redirect_uri: location.origin },
  });
  if (location.search.includes('code=') && location.search.includes('state=')) {
    await auth0.handleRedirectCallback();
    history.replaceState({}, document.title, '/');
  }
  show((await auth0.isAuthenticated()) ? 'signed in' : 'signed out');
  onClick('#login', () => auth0.loginWithRedirect());
  onClick('#me', async () => callApi(await auth0.getTokenSilently()));
  onClick('#logout', () => auth0.logout({ logoutParams: { returnTo: location.origin } }));
}

void main();
