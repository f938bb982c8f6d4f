// In Node and during SSR the session check does nothing: no listener, no timer, no request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession, sessionCheck } from '../../src/index.ts';
import { checkSettings } from '../../src/sync/session-check.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('sessionCheck', () => {
  it('resolves the endpoint against baseUrl and the interval to ms, and is off without a baseUrl', () => {
    expect(checkSettings({}, 'https://api.example/v1/')).toEqual({ url: 'https://api.example/auth/session', interval: 60_000 });
    expect(checkSettings({ endpoint: 'me/session', interval: 2 }, 'https://api.example/v1/')).toEqual({
      url: 'https://api.example/v1/me/session',
      interval: 2_000,
    });
    expect(checkSettings({ interval: 1 }, undefined)).toBeNull();
  });

  it('asks nothing outside a browser', async () => {
    vi.useFakeTimers();
    const fetch = vi.spyOn(globalThis, 'fetch');
    const session = createSession({ baseUrl: 'http://127.0.0.1:9', sessionCheck: sessionCheck({ interval: 1 }) });
    await session.setTokens({ access_token: 'server-side-token', expires_in: 600 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch).not.toHaveBeenCalled();
    expect(session.getState().status).toBe('authenticated');
    session.dispose();
  });
});
