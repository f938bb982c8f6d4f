import { describe, expect, it, vi } from 'vitest';
import { openVault } from '../../src/storage/open.js';
import type { TokenSet } from '../../src/tokens.js';

const tokens: TokenSet = { accessToken: 'a.b.c', refreshToken: null, expiresAt: 2_000_000, issuedAt: 1_000_000, claims: null };

describe('openVault outside a browser (Node, SSR)', () => {
  it('keeps the session in memory without reporting anything, even when IndexedDB is asked for', async () => {
    const onUnavailable = vi.fn();
    const vault = openVault('indexeddb', 'tokenward', onUnavailable);
    await expect(vault.save({ generation: 1, tokens })).resolves.toBe(true);
    await expect(vault.load()).resolves.toEqual({ generation: 1, tokens });
    await vault.clear(2);
    await expect(vault.load()).resolves.toEqual({ generation: 2, tokens: null });
    expect(onUnavailable).not.toHaveBeenCalled();
  });
});
