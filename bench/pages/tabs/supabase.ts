// @supabase/auth-js, pointed at the reference server (`/auth`): signOut({ scope: 'local' }) first
// calls the server's /auth/logout, then removes the session and tells the other tabs (its own
// BroadcastChannel), which hear SIGNED_OUT. The other tabs need no session of their own for that.
import { AuthClient } from '@supabase/auth-js';
import { seedSupabaseSession } from '../lib/supabase.ts';
import type { TabSetup } from './contender.ts';

const storageKey = 'sb-bench-logout';

export const setup: TabSetup = async (round) => {
  const auth = new AuthClient({ url: `${location.origin}/auth`, storageKey });
  auth.onAuthStateChange((event) => {
    if (event !== 'SIGNED_OUT') return;
    round.heard.mark();
    round.settled.mark();
  });
  await auth.getSession(); // waits for its initialisation
  return {
    othersFollowSignIn: false,
    async signIn() {
      seedSupabaseSession(storageKey);
      round.signedIn.mark();
    },
    signOut() {
      void auth.signOut({ scope: 'local' }).then(() => round.returned.mark());
    },
  };
};
