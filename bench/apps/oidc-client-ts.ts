// Bundle-size app: oidc-client-ts as its README sample uses it (authorization code + PKCE by redirect).
import { UserManager } from 'oidc-client-ts';
import { callApi, onClick, show } from './shared/ui.ts';

const userManager = new UserManager({
  authority: 'https://id.example.com',
  client_id: 'spa',
  redirect_uri: `${location.origin}/callback`,
  post_logout_redirect_uri: location.origin,
  scope: 'openid profile',
});

async function main(): Promise<void> {
  if (location.pathname === '/callback') await userManager.signinRedirectCallback();
  const user = await userManager.getUser();
  show(user && !user.expired ? 'signed in' : 'signed out');
  userManager.events.addUserLoaded(() => show('signed in'));
  onClick('#login', () => userManager.signinRedirect());
  onClick('#me', async () => callApi((await userManager.getUser())?.access_token));
  onClick('#logout', () => userManager.signoutRedirect());
}

void main();
