// Section 3's page: an app that creates its session at start-up and is signed in once the
// session is restored from the vault. `authenticatedAt` is on the navigation's clock (0 = start).
import { createSession } from '../../src/index.ts';
import { claimsFor, fakeJwt, LONG_LIFETIME } from './lib/fake-tokens.ts';
import type { RestorePage } from './api.ts';

const session = createSession({ name: 'bench-restore' });

const page: RestorePage = {
  settledAt: null,
  signedIn: false,
  async seed() {
    await session.setTokens({ access_token: fakeJwt(claimsFor(LONG_LIFETIME)), token_type: 'Bearer', expires_in: LONG_LIFETIME });
  },
};

const stop = session.subscribe((state) => {
  if (state.status === 'loading') return;
  page.settledAt = performance.now();
  page.signedIn = state.status === 'authenticated';
  stop();
});

window.benchRestore = page;
