// The Vue binding's types as a component author meets them.
import type { InjectionKey, ShallowRef } from 'vue';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createAuthGuard,
  createTokenwardPlugin,
  sessionKey,
  useSession,
  useSessionClient,
  type GuardRoute,
  type TokenwardPlugin,
} from '../../src/vue/index.js';
import type { Session, SessionState } from '../../src/index.js';

declare const session: Session;

describe('tokenward/vue', () => {
  it('composables return the session and a read-only ref of its state', () => {
    expectTypeOf(useSessionClient).returns.toEqualTypeOf<Session>();
    expectTypeOf(useSession).returns.toEqualTypeOf<Readonly<ShallowRef<SessionState>>>();
    const state = useSession();
    expectTypeOf(state.value.status).toEqualTypeOf<'loading' | 'authenticated' | 'unauthenticated'>();
    // @ts-expect-error: the state belongs to the session, not to the component
    state.value = session.getState();
  });

  it('the plugin and the injection key carry the session', () => {
    expectTypeOf(createTokenwardPlugin).returns.toEqualTypeOf<TokenwardPlugin>();
    expectTypeOf(sessionKey).toEqualTypeOf<InjectionKey<Session>>();
  });

  it('the guard answers true or the login location the app gave', () => {
    const toName = createAuthGuard(session, { login: (to: GuardRoute) => ({ name: 'login', query: { next: to.fullPath } }) });
    expectTypeOf(toName).returns.resolves.toEqualTypeOf<true | { name: string; query: { next: string } }>();
    expectTypeOf(createAuthGuard(session, { login: '/login' })).returns.resolves.toEqualTypeOf<true | '/login'>();
  });
});
