// Bundle-size app: @auth0/auth0-spa-js with DPoP as its docs show it (useDpop, and API calls through its fetcher).
import { createAuth0Client } from '@auth0/auth0-spa-js';
import { onClick, show } from './shared/ui.ts';

async function main(): Promise<void> {
  const auth0 = await createAuth0Client({
    domain: 'example.auth0.com',
    clientId: 'spa',
    useDpop: true,
    authorizationParams: { redirect_uri: location.origin, audience: 'https://api.example.com' },
  });
  if (location.search.includes('code=') && location.search.includes('state=')) {
    await auth0.handleRedirectCallback();
    history.replaceState({}, document.title, '/');
  }
  show((await auth0.isAuthenticated()) ? 'signed in' : 'signed out');
  const fetcher = auth0.createFetcher({ dpopNonceId: 'api' });
  onClick('#login', () => auth0.loginWithRedirect());
  onClick('#me', async () => show(JSON.stringify(await (await fetcher.fetchWithAuth('https://api.example.com/me')).json())));
  onClick('#logout', () => auth0.logout({ logoutParams: { returnTo: location.origin } }));
}

void main();
