// Section 5's page, opened in every tab: one contender per tab, loaded on demand.
import { wallclock } from './lib/clock.ts';
import type { TabsContenderName, TabsPage } from './api.ts';
import { Round, type TabContender, type TabSetup } from './tabs/contender.ts';

const setups: Record<TabsContenderName, () => Promise<TabSetup>> = {
  'native BroadcastChannel': () => import('./tabs/native.ts').then((m) => m.setup),
  tokenward: () => import('./tabs/tokenward.ts').then((m) => m.setup),
  'okta-auth-js': () => import('./tabs/okta.ts').then((m) => m.setup),
  'supabase auth-js': () => import('./tabs/supabase.ts').then((m) => m.setup),
};

const round = new Round();
let contender: TabContender | null = null;

function active(): TabContender {
  if (!contender) throw new Error('no contender set up in this tab');
  return contender;
}

window.benchTabs = {
  async setup(name) {
    try {
      contender = await (await setups[name]())(round);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  },
  arm: () => round.reset(),
  signIn: () => active().signIn(),
  async whenSignedIn(timeoutMs) {
    if (!active().othersFollowSignIn) return true;
    return (await round.signedIn.wait(timeoutMs)) !== null;
  },
  signOut() {
    const calledAt = wallclock();
    active().signOut();
    return calledAt;
  },
  whenHeard: (timeoutMs) => round.heard.wait(timeoutMs),
  whenReturned: (timeoutMs) => round.returned.wait(timeoutMs),
  async whenSettled(timeoutMs) {
    return (await round.settled.wait(timeoutMs)) !== null;
  },
} satisfies TabsPage;
