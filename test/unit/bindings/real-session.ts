// A real session for the binding tests: in memory, pointed at a port where nothing listens
// (so logout's server call fails fast, which the session reports as an `error` event), with
// its subscriptions counted, and tokens the tests make up.
import { expect } from 'vitest';
import { createSession, type Session, type TokenResponse } from '../../../src/index.js';

// happy-dom says `navigator.locks === null`: the session then takes broadcast-channel's leader
// election, which checks only for `undefined` and calls `null.request`. Say "no Web Locks" plainly.
if (typeof navigator !== 'undefined' && navigator.locks === null) {
  Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
}

export interface CountedSession {
  session: Session;
  /** Subscriptions made through `session.subscribe` and not yet released. */
  liveSubscriptions(): number;
}

export function createCountedSession(): CountedSession {
  const session = createSession({ storage: 'memory', baseUrl: 'http://127.0.0.1:1', name: `bindings-${crypto.randomUUID()}` });
  const subscribe = session.subscribe;
  let live = 0;
  session.subscribe = (listener) => {
    const unsubscribe = subscribe(listener);
    live++;
    let released = false;
    return () => {
      // Counted once, as the session does: a second call of the same unsubscribe is a no-op.
      if (!released) live--;
      released = true;
      unsubscribe();
    };
  };
  return { session, liveSubscriptions: () => live };
}

/** A counted session already signed in as `user`, for the server rendering tests. */
export async function createSignedInSession(user: string): Promise<CountedSession> {
  const counted = createCountedSession();
  await counted.session.setTokens(tokenResponseFor(user));
  expect(counted.session.getState().status).toBe('authenticated');
  return counted;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A token response for `user` carrying an unsigned JWT (the client only decodes claims; it never
 * verifies them). Every call yields a new `jti`, so a refresh is visible in the claims.
 */
export function tokenResponseFor(user: string): TokenResponse & { access_token: string } {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user, jti: crypto.randomUUID(), iat: now, exp: now + 60 };
  return { access_token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`, token_type: 'Bearer', expires_in: 60 };
}
