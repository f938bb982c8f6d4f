// Bundle-size app: supertokens-website as its quickstart uses it (session cookies, fetch interceptor).
import SuperTokens from 'supertokens-website';
import { callApi, onClick, show } from './shared/ui.ts';

SuperTokens.init({ apiDomain: 'https://api.example.com', apiBasePath: '/auth' });

async function main(): Promise<void> {
  show((await SuperTokens.doesSessionExist()) ? 'signed in' : 'signed out');
  onClick('#me', async () => callApi(await SuperTokens.getAccessToken()));
  onClick('#logout', () => SuperTokens.signOut());
}

void main();
