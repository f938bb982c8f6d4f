// Server rendering with React in Node: it works, shows `loading` even for a session that is
// signed in (the server cannot know the browser's session), and subscribes to nothing, since
// nothing on the server would ever unsubscribe.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionProvider, useAccessToken, useLeaveOnLogout, useSession } from '../../../src/react/index.js';
import { createSignedInSession, type CountedSession } from './real-session.js';

let counted: CountedSession;

beforeEach(async () => {
  counted = await createSignedInSession('alice');
});

afterEach(() => counted.session.dispose());

function Status() {
  const { status } = useSession();
  useLeaveOnLogout(() => {
    throw new Error('never called on the server');
  });
  return createElement('p', null, `${status}, token: ${useAccessToken() ?? 'none'}`);
}

describe('server rendering with React', () => {
  it('shows loading and no token, and subscribes to nothing', () => {
    const html = renderToString(createElement(SessionProvider, { session: counted.session }, createElement(Status)));
    expect(html).toBe('<p>loading, token: none</p>');
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it('shows loading and no token without a provider (a layout that creates the session in the browser only), and does not throw', () => {
    expect(renderToString(createElement(Status))).toBe('<p>loading, token: none</p>');
  });
});
