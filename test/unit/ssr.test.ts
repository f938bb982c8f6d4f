// Importing the SDK during SSR or in Node touches no browser global, and a session created
// there works in memory instead of crashing.
import { describe, expect, it } from 'vitest';

describe('in Node, without a browser', () => {
  it('has no window, document or indexedDB to begin with', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    expect(typeof indexedDB).toBe('undefined');
  });

  it('imports and creates a working in-memory session', async () => {
    const { createSession, TokenwardError } = await import('../../src/index.ts');
    const session = createSession();
    expect(session.getState().status).toBe('loading');
    await session.ready;
    expect(session.getState().status).toBe('unauthenticated');
    expect(await session.getAccessToken()).toBeNull();

    await session.setTokens({ access_token: 'server-side-token', expires_in: 60 });
    expect(session.getState().status).toBe('authenticated');
    expect(await session.getAccessToken()).toBe('server-side-token');

    // No baseUrl and no location: a typed error, not a crash.
    const error = await session.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenwardError);
    session.dispose();
    expect(await session.logout().catch((e: { code: string }) => e.code)).toBe('disposed');
  });
});
