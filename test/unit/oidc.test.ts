// tokenward/oidc's pure parts in Node: which issuers are accepted, and the pending sign-in's
// one-time, ten-minute, state-bound use.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { oidc } from '../../src/oidc/index.ts';
import { PENDING_LIFETIME, startPending, takePending } from '../../src/oidc/pending.ts';
import { openStash } from '../../src/storage/stash.ts';

const options = { clientId: 'spa', redirectUri: 'https://app.example/callback' };

describe('oidc() issuer', () => {
  it.each(['https://id.example.com', 'http://127.0.0.1:4000', 'http://localhost:4000/realms/x', 'http://[::1]:4000'])('accepts %s', (issuer) => {
    expect(() => oidc({ ...options, issuer })).not.toThrow();
  });

  it.each(['http://id.example.com', 'http://10.0.0.1', 'http://localhost.example.com', 'ftp://id.example.com'])('refuses %s at once', (issuer) => {
    expect(() => oidc({ ...options, issuer })).toThrow(/must use https \(http only on 127\.0\.0\.1, localhost or \[::1\]\)/);
  });
});

describe('pending sign-in', () => {
  const stash = () => openStash({ name: 'test', storage: 'memory', timeout: 1000, dpop: null }, 'oidc-login');
  afterEach(() => vi.useRealTimers());

  it('is taken once, for its own state only', async () => {
    const store = stash();
    const { pending, challenge } = await startPending(store, '/back');
    expect(challenge).toMatch(/^[\w-]{43}$/);
    expect(new Set([pending.state, pending.nonce, pending.verifier]).size).toBe(3);
    await expect(takePending(store, pending.state)).resolves.toEqual(pending);
    await expect(takePending(store, pending.state)).rejects.toMatchObject({ code: 'callback_rejected', message: /unknown or reused/ });
  });

  it('is used up by a callback with another state', async () => {
    const store = stash();
    const { pending } = await startPending(store, '/');
    await expect(takePending(store, `${pending.state}x`)).rejects.toMatchObject({ code: 'callback_rejected', message: /state mismatch/ });
    await expect(takePending(store, pending.state)).rejects.toMatchObject({ code: 'callback_rejected' });
  });

  it('runs out after 10 minutes', async () => {
    vi.useFakeTimers();
    const store = stash();
    const { pending } = await startPending(store, '/');
    vi.advanceTimersByTime(PENDING_LIFETIME + 1);
    await expect(takePending(store, pending.state)).rejects.toMatchObject({ code: 'callback_rejected', message: /10 minutes/ });
  });
});
