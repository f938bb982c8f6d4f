// Server rendering with Svelte 5 in Node (svelte/server): it works, shows `loading` even for a
// session that is signed in (the server cannot know the browser's session), and subscribes to
// nothing, since nothing on the server would ever unsubscribe.
import { render } from 'svelte/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SvelteSsrStatus from './SvelteSsrStatus.svelte';
import { createSignedInSession, type CountedSession } from './real-session.js';

let counted: CountedSession;

beforeEach(async () => {
  counted = await createSignedInSession('alice');
});

afterEach(() => counted.session.dispose());

describe('server rendering with Svelte', () => {
  it('shows loading through $store and fromStore, and subscribes to nothing', () => {
    const { body } = render(SvelteSsrStatus, { props: { session: counted.session } });
    expect(body).toContain('<p>loading loading</p>');
    expect(counted.liveSubscriptions()).toBe(0);
  });
});
