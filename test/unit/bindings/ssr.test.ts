// Server rendering in Node with both bindings: it works, shows `loading` even for a session
// that is signed in (the server cannot know the browser's session), and subscribes to nothing,
// since nothing on the server would ever unsubscribe.
import { createElement } from 'react';
import { renderToString as renderReact } from 'react-dom/server';
import { renderToString as renderVue } from '@vue/server-renderer';
import { createSSRApp, defineComponent, h } from 'vue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as react from '../../../src/react/index.js';
import * as vue from '../../../src/vue/index.js';
import { createCountedSession, tokenResponseFor, type CountedSession } from './real-session.js';

let counted: CountedSession;

beforeEach(async () => {
  counted = createCountedSession();
  await counted.session.setTokens(tokenResponseFor('alice'));
  expect(counted.session.getState().status).toBe('authenticated');
});

afterEach(() => counted.session.dispose());

describe('server rendering', () => {
  it('with React shows loading and no token, and subscribes to nothing', () => {
    function Status() {
      const { status } = react.useSession();
      return createElement('p', null, `${status}, token: ${react.useAccessToken() ?? 'none'}`);
    }
    const html = renderReact(createElement(react.SessionProvider, { session: counted.session }, createElement(Status)));
    expect(html).toBe('<p>loading, token: none</p>');
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it('with Vue shows loading and subscribes to nothing', async () => {
    const Status = defineComponent(() => {
      const state = vue.useSession();
      return () => h('p', state.value.status);
    });
    const app = createSSRApp(Status).use(vue.createTokenwardPlugin(counted.session));
    await expect(renderVue(app)).resolves.toBe('<p>loading</p>');
    expect(counted.liveSubscriptions()).toBe(0);
  });
});
