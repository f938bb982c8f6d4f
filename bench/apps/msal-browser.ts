// Bundle-size app: @azure/msal-browser as its quickstart uses it (redirect login, acquireTokenSilent).
import { PublicClientApplication } from '@azure/msal-browser';
import { callApi, onClick, show } from './shared/ui.ts';

const scopes = ['User.Read'];

async function main(): Promise<void> {
  const msal = new PublicClientApplication({
    auth: { clientId: '00000000-0000-0000-0000-000000000000', authority: 'https://login.microsoftonline.com/common', redirectUri: location.origin },
  });
  await msal.initialize();
  await msal.handleRedirectPromise();
  const account = () => msal.getAllAccounts()[0];
  show(account() ? 'signed in' : 'signed out');
  onClick('#login', () => msal.loginRedirect({ scopes }));
  onClick('#me', async () => {
    const signedIn = account();
    if (signedIn) await callApi((await msal.acquireTokenSilent({ scopes, account: signedIn })).accessToken);
  });
  onClick('#logout', () => msal.logoutRedirect());
}

void main();
