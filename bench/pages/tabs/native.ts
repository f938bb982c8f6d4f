// The floor: one native BroadcastChannel message between the same tabs.
import type { TabSetup } from './contender.ts';

export const setup: TabSetup = async (round) => {
  const channel = new BroadcastChannel('bench-native-logout');
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data !== 'logout') return;
    round.heard.mark();
    round.settled.mark();
  };
  return {
    othersFollowSignIn: false,
    async signIn() {
      round.signedIn.mark();
    },
    signOut() {
      channel.postMessage('logout');
      round.returned.mark();
      round.settled.mark();
    },
  };
};
