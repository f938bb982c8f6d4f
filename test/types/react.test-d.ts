// The React binding's types as a component author meets them.
import type { ReactElement } from 'react';
import { describe, expectTypeOf, it } from 'vitest';
import { SessionProvider, useAccessToken, useLeaveOnLogout, useSession, useSessionClient, type SessionProviderProps } from '../../src/react/index.js';
import type { LogoutReason, Session, SessionState } from '../../src/index.js';

describe('tokenward/react', () => {
  it('hooks return the session, its state and the token', () => {
    expectTypeOf(useSession).returns.toEqualTypeOf<SessionState>();
    expectTypeOf(useSessionClient).returns.toEqualTypeOf<Session>();
    expectTypeOf(useAccessToken).returns.toEqualTypeOf<string | null>();
    expectTypeOf(useSession).parameters.toEqualTypeOf<[]>();
  });

  it('the provider takes the session the app created', () => {
    expectTypeOf(SessionProvider).parameter(0).toEqualTypeOf<SessionProviderProps>();
    expectTypeOf(SessionProvider).returns.toEqualTypeOf<ReactElement>();
    expectTypeOf<SessionProviderProps['session']>().toEqualTypeOf<Session>();
    // @ts-expect-error: the provider never creates a session, so it needs one
    SessionProvider({});
  });

  it('useLeaveOnLogout takes the navigation, called with the logout reason or none', () => {
    expectTypeOf(useLeaveOnLogout).parameters.toEqualTypeOf<[leave: (reason?: LogoutReason) => void]>();
    expectTypeOf(useLeaveOnLogout).returns.toBeVoid();
  });
});
