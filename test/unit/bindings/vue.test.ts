// @vitest-environment happy-dom
// The Vue bindings against a real session whose state changes: components follow it, and
// subscriptions end with the component scopes that made them.
import { createApp, defineComponent, effectScope, h, inject, nextTick, type App } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthGuard, createTokenwardPlugin, sessionKey, useSession, useSessionClient, type GuardRoute } from '../../../src/vue/index.js';
import type { Session } from '../../../src/index.js';
import { createCountedSession, tokenResponseFor, type CountedSession } from './real-session.js';

const Status = defineComponent(() => {
  const state = useSession();
  return () => {
    const { status, claims } = state.value;
    return h('p', status === 'authenticated' ? `${status} as ${String(claims?.sub)} (${String(claims?.jti)})` : status);
  };
});

let counted: CountedSession;
let app: App | null = null;
let container: HTMLElement;

function mount(session: Session, root: Parameters<typeof createApp>[0]): void {
  container = document.createElement('div');
  document.body.append(container);
  app = createApp(root).use(createTokenwardPlugin(session));
  app.mount(container);
}

function unmount(): void {
  app?.unmount();
  app = null;
}

const text = () => container.textContent;

afterEach(() => {
  unmount();
  container?.remove();
  counted.session.dispose();
});

describe('Vue bindings', () => {
  it('follow login, refresh and logout of the session', async () => {
    counted = createCountedSession();
    const { session } = counted;
    mount(session, Status);
    await session.ready;
    await nextTick();
    expect(text()).toBe('unauthenticated');

    await session.setTokens(tokenResponseFor('alice'));
    await nextTick();
    const loginJti = session.getState().claims?.jti;
    expect(text()).toBe(`authenticated as alice (${String(loginJti)})`);

    await session.setTokens(tokenResponseFor('alice'));
    await nextTick();
    expect(session.getState().claims?.jti).not.toBe(loginJti);
    expect(text()).toBe(`authenticated as alice (${String(session.getState().claims?.jti)})`);

    // Nothing listens at the server address: the server call fails later, as an `error` event.
    await session.logout();
    await nextTick();
    expect(text()).toBe('unauthenticated');
  });

  it('subscribe once per useSession and unsubscribe when the component unmounts', async () => {
    counted = createCountedSession();
    mount(
      counted.session,
      defineComponent(() => () => [h(Status), h(Status)]),
    );
    expect(counted.liveSubscriptions()).toBe(2);
    unmount();
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it('release the subscription with any effect scope, not only a component', () => {
    counted = createCountedSession();
    mount(
      counted.session,
      defineComponent(() => () => null),
    );
    const scope = effectScope();
    const state = app!.runWithContext(() => scope.run(() => useSession()));
    expect(state?.value).toBe(counted.session.getState());
    expect(counted.liveSubscriptions()).toBe(1);
    scope.stop();
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it('hand out state that the app cannot overwrite', () => {
    counted = createCountedSession();
    mount(
      counted.session,
      defineComponent(() => () => null),
    );
    const scope = effectScope();
    const state = app!.runWithContext(() => scope.run(() => useSession()))!;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    (state as { value: unknown }).value = { status: 'authenticated' };
    expect(state.value).toBe(counted.session.getState());
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('target is readonly'), expect.anything());
    warn.mockRestore();
    scope.stop();
  });

  it('give components the session itself for requests and actions, also through sessionKey', () => {
    counted = createCountedSession();
    let seen: Session | undefined;
    mount(
      counted.session,
      defineComponent(() => {
        seen = useSessionClient();
        return () => null;
      }),
    );
    expect(seen).toBe(counted.session);
    expect(app!.runWithContext(() => useSessionClient())).toBe(counted.session);
    expect(app!.runWithContext(() => inject(sessionKey))).toBe(counted.session);
  });

  it('say what is missing when the plugin is not installed, naming the composable the app called', () => {
    counted = createCountedSession();
    expect(() => createApp({}).runWithContext(() => useSession())).toThrow('tokenward/vue: useSession() needs app.use(createTokenwardPlugin(session))');
    expect(() => createApp({}).runWithContext(() => useSessionClient())).toThrow(
      'tokenward/vue: useSessionClient() needs app.use(createTokenwardPlugin(session))',
    );
  });

  it('say so when called outside setup, instead of blaming the plugin', () => {
    counted = createCountedSession();
    mount(
      counted.session,
      defineComponent(() => () => null),
    );
    expect(useSessionClient).toThrow('tokenward/vue: useSessionClient() outside setup()');
    expect(useSession).toThrow('tokenward/vue: useSession() outside setup()');
  });

  it('warn instead of leaking a subscription when useSession() runs outside any scope', async () => {
    counted = createCountedSession();
    mount(
      counted.session,
      defineComponent(() => () => null),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // A router guard, say: the app's injection context, but no component or effect scope to end with.
    const state = app!.runWithContext(() => useSession());
    expect(warn).toHaveBeenCalledExactlyOnceWith('tokenward/vue: useSession() outside a scope does not follow the session');
    warn.mockRestore();
    expect(counted.liveSubscriptions()).toBe(0);
    expect(state.value).toBe(counted.session.getState());
    await counted.session.ready;
    expect(state.value.status).toBe('loading');
  });
});

describe('createAuthGuard', () => {
  const route = (fullPath: string, meta: Record<string, unknown> = {}): GuardRoute => ({ fullPath, meta });

  it('waits for ready, then redirects a signed-out user from a protected route', async () => {
    counted = createCountedSession();
    const guard = createAuthGuard(counted.session, { login: (to) => ({ name: 'login', query: { next: to.fullPath } }) });
    const verdict = guard(route('/account', { requiresAuth: true }));
    expect(counted.session.getState().status).toBe('loading');
    await expect(verdict).resolves.toEqual({ name: 'login', query: { next: '/account' } });
    await expect(guard(route('/about'))).resolves.toBe(true);
  });

  it('lets a signed-in user through, and follows the session out again', async () => {
    counted = createCountedSession();
    const guard = createAuthGuard(counted.session, { login: '/login' });
    await counted.session.setTokens(tokenResponseFor('alice'));
    await expect(guard(route('/account', { requiresAuth: true }))).resolves.toBe(true);
    await counted.session.logout();
    await expect(guard(route('/account', { requiresAuth: true }))).resolves.toBe('/login');
  });

  it('takes the app’s own rule for which routes need a session', async () => {
    counted = createCountedSession();
    const guard = createAuthGuard(counted.session, { login: '/login', requiresAuth: (to) => to.fullPath.startsWith('/app/') });
    await expect(guard(route('/app/inbox'))).resolves.toBe('/login');
    await expect(guard(route('/login', { requiresAuth: true }))).resolves.toBe(true);
  });
});
