// In Node and during SSR the session check does nothing: no listener, no timer, no request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../../src/index.ts';
import { resolveOptions } from '../../src/options.ts';
import { checkSettings } from '../../src/sync/session-check.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('sessionCheck', () => {
  it('resolves the endpoint against baseUrl, the interval to ms, and is off by default or without a baseUrl', () => {
    const settings = (options: Parameters<typeof resolveOptions>[0]) => checkSettings(resolveOptions(options));
    expect(settings({ baseUrl: 'https://api.example/v1/', sessionCheck: {} })).toEqual({ url: 'https://api.example/auth/session', interval: 60_000 });
    expect(settings({ baseUrl: 'https://api.example/v1/', sessionCheck: { endpoint: 'me/session', interval: 2 } })).toEqual({
      url: 'https://api.example/v1/me/session',
      interval: 2_000,
    });
    expect(settings({ baseUrl: 'https://api.example' })).toBeNull();
    expect(settings({ baseUrl: 'https://api.example', sessionCheck: false })).toBeNull();
    expect(settings({ sessionCheck: { interval: 1 } })).toBeNull();
  });

  it('asks nothing outside a browser', async () => {
    vi.useFakeTimers();
    const fetch = vi.spyOn(globalThis, 'fetch');
    const session = createSession({ baseUrl: 'http://127.0.0.1:9', sessionCheck: { interval: 1 } });
    await session.setTokens({ access_token: 'server-side-token', expires_in: 600 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch).not.toHaveBeenCalled();
    expect(session.getState().status).toBe('authenticated');
    session.dispose();
  });
});
