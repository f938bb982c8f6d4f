// Bundle-size app: tokenward with tokenward/oidc, as its README quickstart uses it (redirect sign-in, code + PKCE).
import { createSession } from '../../src/index.ts';
import { oidc } from '../../src/oidc/index.ts';
import { callApi, onClick, show } from './shared/ui.ts';

const session = createSession({
  flow: oidc({
    issuer: 'https://id.example.com',
    clientId: 'spa',
    redirectUri: `${location.origin}/callback`,
    postLogoutRedirectUri: location.origin,
  }),
  trustedOrigins: ['https://api.example.com'],
});
session.subscribe((state) => show(state.status));
onClick('#login', () => session.login());
onClick('#me', async () => callApi((await session.getAccessToken()) ?? undefined));
onClick('#logout', () => session.logout({ redirect: true }));
