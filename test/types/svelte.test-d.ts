// The Svelte binding's types as a Svelte component meets them.
import { fromStore, type Readable } from 'svelte/store';
import { describe, expectTypeOf, it } from 'vitest';
import { getSession, sessionStore, setSession, type SessionStore } from '../../src/svelte/index.js';
import type { Session, SessionState } from '../../src/index.js';

declare const session: Session;

describe('tokenward/svelte', () => {
  it('sessionStore is a readable store of the state, for $store and fromStore', () => {
    expectTypeOf(sessionStore(session)).toEqualTypeOf<SessionStore>();
    expectTypeOf(sessionStore(session)).toExtend<Readable<SessionState>>();
    expectTypeOf(fromStore(sessionStore(session)).current).toEqualTypeOf<SessionState>();
    // Read-only: the state belongs to the session.
    expectTypeOf(sessionStore(session)).not.toHaveProperty('set');
  });

  it('the context carries the session', () => {
    expectTypeOf(setSession).parameter(0).toEqualTypeOf<Session>();
    expectTypeOf(getSession).returns.toEqualTypeOf<Session>();
  });
});
