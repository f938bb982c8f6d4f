// tokenward with its defaults (encrypted IndexedDB vault, purge on logout) in every tab.
import { createSession } from '../../../src/index.ts';
import { claimsFor, fakeJwt, LONG_LIFETIME } from '../lib/fake-tokens.ts';
import type { TabSetup } from './contender.ts';

export const setup: TabSetup = async (round) => {
  const session = createSession({ name: 'bench-logout' });
  session.subscribe((state) => {
    if (state.status === 'authenticated') round.signedIn.mark();
    else if (state.status === 'unauthenticated' && round.signedIn.at !== null) round.heard.mark();
  });
  // Emitted once the tab has purged: the round is over for this tab.
  session.on('logout', () => round.settled.mark());
  await session.ready;
  return {
    othersFollowSignIn: true,
    async signIn() {
      await session.setTokens({ access_token: fakeJwt(claimsFor(LONG_LIFETIME)), token_type: 'Bearer', expires_in: LONG_LIFETIME });
    },
    signOut() {
      void session.logout().then(() => round.returned.mark());
    },
  };
};
