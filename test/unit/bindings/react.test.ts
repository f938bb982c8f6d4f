// @vitest-environment happy-dom
// The React bindings against a real session whose state changes: components follow it, and
// subscriptions end with the components that made them.
import { act, createElement as h, StrictMode, type ReactNode } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionProvider, useAccessToken, useLeaveOnLogout, useSession, useSessionClient } from '../../../src/react/index.js';
import type { Session } from '../../../src/index.js';
import { createCountedSession, tokenResponseFor, type CountedSession } from './real-session.js';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

function Status() {
  const state = useSession();
  const who = state.status === 'authenticated' ? ` as ${String(state.claims?.sub)} (${String(state.claims?.jti)})` : '';
  return h('p', null, `${state.status}${who}`);
}

function Token() {
  return h('output', null, useAccessToken() ?? 'none');
}

let counted: CountedSession;
let root: Root | null;
let container: HTMLElement;

beforeAll(() => {
  // Tells React that updates in these tests are wrapped in act(), so it flushes them there.
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
});

async function render(node: ReactNode): Promise<void> {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root?.render(node));
}

async function unmount(): Promise<void> {
  await act(async () => root?.unmount());
  root = null;
}

const text = () => container.querySelector('p')?.textContent;
const shownToken = () => container.querySelector('output')?.textContent;

/** Runs a session action and lets React flush what it caused (state changes, the token effect). */
const settle = (action: () => Promise<unknown>) => act(async () => void (await action()));

function withSession(session: Session, child: ReactNode): ReactNode {
  return h(SessionProvider, { session }, child);
}

afterEach(async () => {
  if (root) await unmount();
  container.remove();
  counted.session.dispose();
});

describe('React bindings', () => {
  it('follow login, refresh and logout of the session', async () => {
    counted = createCountedSession();
    const { session } = counted;
    await render(withSession(session, [h(Status, { key: 'status' }), h(Token, { key: 'token' })]));
    await settle(() => session.ready);
    expect(text()).toBe('unauthenticated');
    expect(shownToken()).toBe('none');

    const login = tokenResponseFor('alice');
    await settle(() => session.setTokens(login));
    expect(text()).toBe(`authenticated as alice (${String(session.getState().claims?.jti)})`);
    expect(shownToken()).toBe(login.access_token);

    const refreshed = tokenResponseFor('alice');
    await settle(() => session.setTokens(refreshed));
    expect(text()).toBe(`authenticated as alice (${String(session.getState().claims?.jti)})`);
    expect(shownToken()).toBe(refreshed.access_token);

    // Nothing listens at the server address: the server call fails later, as an `error` event.
    await settle(() => session.logout());
    expect(text()).toBe('unauthenticated');
    expect(shownToken()).toBe('none');
  });

  it('subscribe once per hook and unsubscribe on unmount', async () => {
    counted = createCountedSession();
    await render(withSession(counted.session, [h(Status, { key: 1 }), h(Status, { key: 2 }), h(Token, { key: 3 })]));
    expect(counted.liveSubscriptions()).toBe(3);
    await unmount();
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it.each([
    ['useSession', Status, (_login: { access_token: string }) => expect(text()).toMatch(/^authenticated as alice/)],
    ['useAccessToken', Token, (login: { access_token: string }) => expect(shownToken()).toBe(login.access_token)],
  ])('%s holds exactly one subscription at rest under StrictMode double mounting', async (_hook, Component, expectShown) => {
    counted = createCountedSession();
    await render(h(StrictMode, null, withSession(counted.session, h(Component))));
    expect(counted.liveSubscriptions()).toBe(1);
    // And that one subscription is the live one: the component still follows the session.
    const login = tokenResponseFor('alice');
    await settle(() => counted.session.setTokens(login));
    expectShown(login);
    await unmount();
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it('hydrate server-rendered HTML without a mismatch, then show the live state', async () => {
    counted = createCountedSession();
    await counted.session.setTokens(tokenResponseFor('alice'));
    const app = withSession(counted.session, h(Status));
    container = document.createElement('div');
    document.body.append(container);
    container.innerHTML = renderToString(app);
    expect(text()).toBe('loading');
    const mismatches: unknown[] = [];
    await act(async () => {
      root = hydrateRoot(container, app, { onRecoverableError: (error) => mismatches.push(error) });
    });
    expect(mismatches).toEqual([]);
    expect(text()).toMatch(/^authenticated as alice/);
  });

  it('give components the session itself for requests and actions', async () => {
    counted = createCountedSession();
    let seen: Session | undefined;
    function Client() {
      // The test reads what the hook gave out; a real component would render with it.
      // eslint-disable-next-line react-hooks/globals
      seen = useSessionClient();
      return null;
    }
    await render(withSession(counted.session, h(Client)));
    expect(seen).toBe(counted.session);
  });

  it('drop an access token answer that a newer state overtook', async () => {
    counted = createCountedSession();
    const { session } = counted;
    const first = tokenResponseFor('alice');
    await session.setTokens(first);
    // Every answer waits until the test hands it out, so they can arrive out of order.
    const answers: Array<(token: string) => void> = [];
    session.getAccessToken = () => new Promise((resolve) => answers.push(resolve));

    await render(withSession(session, h(Token)));
    const second = tokenResponseFor('alice');
    await settle(() => session.setTokens(second));
    expect(answers).toHaveLength(2);
    await settle(async () => answers[1]?.(second.access_token));
    expect(shownToken()).toBe(second.access_token);
    await settle(async () => answers[0]?.(first.access_token));
    expect(shownToken()).toBe(second.access_token);
  });

  it('useLeaveOnLogout: leaves without a reason when signed out on arrival, once with the reason when the session ends, and again after a new sign-in', async () => {
    counted = createCountedSession();
    const { session } = counted;
    const left: Array<string | undefined> = [];
    function Guarded() {
      useLeaveOnLogout((reason) => left.push(reason));
      return null;
    }
    await render(h(StrictMode, null, withSession(session, h(Guarded))));
    await settle(() => session.ready);
    expect(left).toEqual([undefined]);

    left.length = 0;
    await settle(() => session.setTokens(tokenResponseFor('alice')));
    await settle(() => session.logout());
    // The state turned unauthenticated before the logout event: the hook waited for the reason.
    expect(left).toEqual(['user']);

    await settle(() => session.setTokens(tokenResponseFor('alice')));
    await settle(() => session.logout());
    expect(left).toEqual(['user', 'user']);
  });

  it.each([
    ['useSession()', useSession],
    ['useAccessToken()', useAccessToken],
    ['useSessionClient()', useSessionClient],
    ['useLeaveOnLogout()', () => useLeaveOnLogout(() => undefined)],
  ])('say what is missing in the browser when there is no SessionProvider, naming %s', async (name, hook) => {
    counted = createCountedSession();
    function Orphan() {
      hook();
      return null;
    }
    container = document.createElement('div');
    root = createRoot(container);
    await expect(act(async () => root?.render(h(Orphan)))).rejects.toThrow(`tokenward/react: ${name} needs a <SessionProvider session={...}> above it`);
  });
});
