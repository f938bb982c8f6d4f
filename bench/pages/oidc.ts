// Section 9's page: the app's redirect URI. It creates its session on load, as an app would, so
// that the callback-to-authenticated time includes everything an app pays.
import { createSession } from '../../src/index.ts';
import { oidc } from '../../src/oidc/index.ts';
import type { OidcDemoConfig } from '../../demo/oidc/config.ts';

const config = (await (await fetch('/bench-oidc.json')).json()) as OidcDemoConfig;
const session = createSession({
  name: 'bench-oidc',
  flow: oidc({ issuer: config.issuer, clientId: config.clientId, redirectUri: `${location.origin}/oidc.html`, scope: 'openid profile offline_access api' }),
  trustedOrigins: [config.apiUrl],
});
const ready = session.ready.then(() => performance.now());

window.benchOidc = {
  async whenReady() {
    const readyAt = await ready;
    const { status, claims } = session.getState();
    return { readyAt, status, sub: typeof claims?.sub === 'string' ? claims.sub : null };
  },
  login: () => void session.login(),
  async busy(apiUrl, runFor, intervalMs) {
    const failed: string[] = [];
    let ok = 0;
    const end = Date.now() + runFor;
    while (Date.now() < end) {
      const status = await session.fetch(`${apiUrl}/me`).then(
        (r) => r.status,
        (e: unknown) => String(e),
      );
      if (status === 200) ok++;
      else failed.push(String(status));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return { ok, failed, status: session.getState().status };
  },
};
