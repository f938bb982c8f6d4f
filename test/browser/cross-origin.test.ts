// Issue 13 §1: an app on one site and its API on another, wired as docs/guide/use-it-in-your-own-app.md says. The page is
// served at http://127.0.0.1:A and the API (the reference server with a CORS allow-list) at
// http://localhost:B: different sites, so the page can read none of the API's cookies, the CSRF
// token reaches it only in a response header, and the refresh cookie is a SameSite=None cookie.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../demo/server/index.ts';
import { trackErrors, waitForState } from './harness/browser.ts';
import { exceptIn } from './harness/engine.ts';
import { eventsOf, login, serverLoggedOut, startSessions } from './harness/sessions.ts';
import { useBrowserSuite } from './harness/suite.ts';

// The browser and contexts of the usual suite; the app itself comes from a plain static host
// (as a SPA on a CDN would), which sets no cookies of its own.
const h = useBrowserSuite();
let app: Server;
let api: ReferenceServer;
let appOrigin: string;

beforeAll(async () => {
  app = express()
    .use(express.static(inject('fixtureDir')))
    .listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  api = await startReferenceServer({ corsOrigins: [appOrigin], controls: true, accessTokenTtl: 30 });
});
/** The API as the page calls it: by name, a site apart from the page's 127.0.0.1. */
const apiUrl = () => `http://localhost:${api.port}`;

afterAll(async () => {
  app.closeAllConnections();
  await Promise.all([api.close(), new Promise((resolve) => app.close(resolve))]);
});

describe('an app and its API on different sites', () => {
  // The API's cookies are SameSite=None, hence Secure, and the test's API is http://localhost:
  // Chromium and Firefox store Secure cookies from loopback http, WebKitGTK stores none (not
  // first-party either), so its refresh finds no cookie and is refused (403 csrf).
  exceptIn({ webkit: 'WebKitGTK refuses Secure cookies from http loopback origins; this setup needs https there' })(
    'signs in, calls the API, refreshes, survives a reload and logs out, with the CSRF token from headers only',
    async () => {
      const page = await (await h.context()).newPage();
      const errors = trackErrors(page);
      await page.goto(`${appOrigin}/index.html`);
      const options = { baseUrl: apiUrl() };
      await startSessions([page], options);
      await login(page);

      const seen = await page.evaluate(async (apiUrl) => {
        const me = await window.session.http.get(`${apiUrl}/api/me`).json<{ user: string }>();
        await window.session.refresh();
        // Nothing of the API's is readable here: the token came in a header and lives in memory.
        return { me: me.user, cookies: document.cookie };
      }, apiUrl());
      expect(seen).toEqual({ me: 'alice', cookies: '' });
      // That refresh carried the token the login response's header brought.
      const [refreshed] = api.control.stats().requests.filter((r) => r.path === '/auth/refresh');
      expect(refreshed?.headers['x-xsrf-token']).toMatch(/^redacted:/);

      // The vault is the app's origin's; the refresh cookie is the API's, sent cross-site (and
      // partitioned). After a reload no CSRF token is in memory: the server takes the Origin instead.
      await page.reload();
      await startSessions([page], options);
      expect((await page.evaluate(() => window.session.getState())).status).toBe('authenticated');
      await page.evaluate(() => window.session.refresh());

      await page.evaluate(() => window.session.logout());
      await serverLoggedOut(api);
      const logout = api.control.stats().requests.find((r) => r.path === '/auth/logout');
      expect(logout?.status).toBe(204);
      await waitForState(page, 'unauthenticated');
      expect(await eventsOf(page)).toEqual(['refresh:this-tab', 'logout:user']);
      expect(errors).toEqual([]);
    },
  );
});
