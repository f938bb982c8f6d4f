// @vitest-environment happy-dom
// The Svelte store against a real session whose state changes: it keeps Svelte's store
// contract (the current value at once, then every change) and releases the session's
// subscription with its own.
import { get } from 'svelte/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionStore } from '../../../src/svelte/index.js';
import type { SessionState } from '../../../src/index.js';
import { createCountedSession, tokenResponseFor, type CountedSession } from './real-session.js';

let counted: CountedSession;

beforeEach(() => {
  counted = createCountedSession();
});

afterEach(() => counted.session.dispose());

describe('tokenward/svelte sessionStore', () => {
  it('gives the current state at once, then every new one, until unsubscribed', async () => {
    const { session } = counted;
    await session.ready;
    const seen: SessionState[] = [];
    const unsubscribe = sessionStore(session).subscribe((state) => seen.push(state));
    expect(seen).toEqual([session.getState()]);
    expect(counted.liveSubscriptions()).toBe(1);

    await session.setTokens(tokenResponseFor('alice'));
    expect(seen.at(-1)).toBe(session.getState());
    expect(seen.at(-1)?.claims?.sub).toBe('alice');

    unsubscribe();
    expect(counted.liveSubscriptions()).toBe(0);
    const count = seen.length;
    await session.logout();
    expect(seen).toHaveLength(count);
  });

  it("reads with svelte/store's get() like any store, and leaves no subscription behind", async () => {
    await counted.session.ready;
    expect(get(sessionStore(counted.session))).toBe(counted.session.getState());
    expect(counted.liveSubscriptions()).toBe(0);
  });
});
