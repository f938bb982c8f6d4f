// Server rendering with Vue in Node: it works, shows `loading` even for a session that is
// signed in (the server cannot know the browser's session), and subscribes to nothing, since
// nothing on the server would ever unsubscribe.
import { renderToString } from '@vue/server-renderer';
import { createSSRApp, defineComponent, h } from 'vue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenwardPlugin, useSession } from '../../../src/vue/index.js';
import { createSignedInSession, type CountedSession } from './real-session.js';

let counted: CountedSession;

beforeEach(async () => {
  counted = await createSignedInSession('alice');
});

afterEach(() => counted.session.dispose());

const Status = defineComponent(() => {
  const state = useSession();
  return () => h('p', state.value.status);
});

describe('server rendering with Vue', () => {
  it('shows loading and subscribes to nothing', async () => {
    const app = createSSRApp(Status).use(createTokenwardPlugin(counted.session));
    await expect(renderToString(app)).resolves.toBe('<p>loading</p>');
    expect(counted.liveSubscriptions()).toBe(0);
  });

  it('shows loading without the plugin on the server, and does not throw', async () => {
    await expect(renderToString(createSSRApp(Status))).resolves.toBe('<p>loading</p>');
  });
});
