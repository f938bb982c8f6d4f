// The OpenID Connect demo page: the session with `tokenward/oidc`, against the local
// oidc-provider the demo server started. The page learns where the provider and the API are
// from /oidc-config.json, which the demo server writes once they listen.
import { createSession } from 'tokenward';
import { dpop } from 'tokenward/dpop';
import { oidc } from 'tokenward/oidc';
import type { OidcDemoConfig } from './oidc/config.ts';
import { byId } from './parts/dom.ts';
import { createEventLog } from './parts/log.ts';
import { logSessionEvents } from './parts/session-log.ts';
import { callApi, mountSessionStatus } from './parts/session-panel.ts';
import { mountVaultView } from './parts/vault-view.ts';

const REFRESH_LEEWAY = 30;

const config = (await (await fetch('/oidc-config.json')).json()) as OidcDemoConfig;
const flow = oidc({
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: `${location.origin}/oidc.html`,
  scope: 'openid profile offline_access api',
  postLogoutRedirectUri: `${location.origin}/oidc.html?signed-out`,
});
// Its own name: this page's session must not meet the first-party demo's in the vault or the channel.
// DPoP: the provider's tokens are bound to a key of this browser, and the API wants its proofs.
const session = createSession({ flow, dpop, name: 'tokenward-oidc', trustedOrigins: [config.apiUrl], refreshLeeway: REFRESH_LEEWAY });

const tabName = crypto.randomUUID().slice(0, 4);
byId('tab-name').textContent = tabName;
document.title = `tokenward OIDC demo · tab ${tabName}`;
byId('issuer').textContent = config.issuer;

const log = createEventLog(byId<HTMLOListElement>('log'), byId<HTMLButtonElement>('clear-log'));
logSessionEvents(session, log, {
  login: () =>
    `Code exchanged, ID token checked; the provider's refresh token and the ID token are sealed in the vault. Access token valid for ${config.accessTokenTtl} s.`,
  refresh: () => `refresh_token grant at the provider, which rotated the refresh token: one call for all the tabs.`,
});
mountSessionStatus(session, REFRESH_LEEWAY, () => config.accessTokenTtl * 1000);
mountVaultView(session);

byId('sign-in').addEventListener('click', () => void session.login().catch(() => undefined));
byId('call-api').addEventListener('click', () => void callApi(session, log, `${config.apiUrl}/me`));
byId('force-refresh').addEventListener('click', () => void session.refresh().catch(() => undefined));
byId('logout').addEventListener('click', () => void session.logout());
byId('logout-everywhere').addEventListener('click', () => void session.logout({ redirect: true }));
byId('open-tab').addEventListener('click', () => window.open(`${location.origin}/oidc.html`, '_blank', 'noopener'));

const started = performance.now();
void session.ready.then(() => {
  const { status, claims } = session.getState();
  if (flow.returnTo !== null) {
    log.add({
      kind: 'restore',
      title: `Signed in at the provider as ${claims?.sub ?? 'someone'}`,
      detail: `Code exchanged and ID token checked ${Math.round(performance.now() - started)} ms after the page loaded.`,
    });
  } else if (status === 'authenticated') {
    log.add({
      kind: 'restore',
      title: `Restored: signed in as ${claims?.sub ?? 'someone'}`,
      detail: 'Decrypted from IndexedDB, without a call to the provider.',
    });
  } else if (new URLSearchParams(location.search).has('signed-out')) {
    history.replaceState(null, '', location.pathname);
    log.add({
      kind: 'info',
      title: 'Signed out at the provider too',
      detail: 'RP-initiated logout: the provider ended its session and sent the browser back here.',
    });
  } else {
    log.add({ kind: 'info', title: 'No session stored', detail: 'Sign in with the provider.' });
  }
});
