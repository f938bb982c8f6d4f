import { Latch } from '../lib/latch.ts';

/** The moments of one logout round in one tab, each on the shared wall clock. */
export class Round {
  /** This tab holds the session that is about to end. */
  readonly signedIn = new Latch();
  /** This tab learnt that the session ended. */
  readonly heard = new Latch();
  /** This tab finished its own part of the logout (purging, for tokenward). */
  readonly settled = new Latch();
  /** The sign-out call returned (in the tab that made it). */
  readonly returned = new Latch();

  reset(): void {
    for (const latch of [this.signedIn, this.heard, this.settled, this.returned]) latch.reset();
  }
}

/** One SDK in one tab, wired to a Round. */
export interface TabContender {
  /** Starts a session in this tab: the tab that will then sign out. */
  signIn(): Promise<void>;
  /** Starts the SDK's sign-out; `round.returned` is marked once it resolves. */
  signOut(): void;
  /** Whether the other tabs must take in the sign-in before the round starts (tokenward, okta), or need nothing (native, supabase). */
  readonly othersFollowSignIn: boolean;
}

export type TabSetup = (round: Round) => Promise<TabContender>;
