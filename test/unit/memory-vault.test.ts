import { describe, expect, it } from 'vitest';
import { createMemoryVault } from '../../src/storage/memory.js';
import type { TokenSet } from '../../src/tokens.js';

function tokens(accessToken: string): TokenSet {
  return { accessToken, refreshToken: null, expiresAt: 2_000_000, issuedAt: 1_000_000, claims: null };
}

describe('createMemoryVault', () => {
  it('starts empty', async () => {
    await expect(createMemoryVault().load()).resolves.toBeNull();
  });

  it('stores tokens and hands them back', async () => {
    const vault = createMemoryVault();
    await expect(vault.save({ generation: 1, tokens: tokens('a') })).resolves.toBe(true);
    await expect(vault.load()).resolves.toEqual({ generation: 1, tokens: tokens('a') });
  });

  it('accepts a refresh within the same generation', async () => {
    const vault = createMemoryVault();
    await vault.save({ generation: 1, tokens: tokens('a') });
    await expect(vault.save({ generation: 1, tokens: tokens('b') })).resolves.toBe(true);
    await expect(vault.load()).resolves.toEqual({ generation: 1, tokens: tokens('b') });
  });

  it('refuses a save from an older generation and keeps what it has', async () => {
    const vault = createMemoryVault();
    await vault.save({ generation: 3, tokens: tokens('new') });
    await expect(vault.save({ generation: 2, tokens: tokens('stale') })).resolves.toBe(false);
    await expect(vault.load()).resolves.toEqual({ generation: 3, tokens: tokens('new') });
  });

  it('leaves a signed-out marker on clear', async () => {
    const vault = createMemoryVault();
    await vault.save({ generation: 1, tokens: tokens('a') });
    await vault.clear(2);
    await expect(vault.load()).resolves.toEqual({ generation: 2, tokens: null });
  });

  it('leaves a signed-out marker even when nothing was stored', async () => {
    const vault = createMemoryVault();
    await vault.clear(1);
    await expect(vault.load()).resolves.toEqual({ generation: 1, tokens: null });
  });

  it('refuses tokens that arrive from the generation a logout ended', async () => {
    const vault = createMemoryVault();
    await vault.save({ generation: 1, tokens: tokens('a') });
    await vault.clear(2);
    await expect(vault.save({ generation: 1, tokens: tokens('late refresh') })).resolves.toBe(false);
    await expect(vault.load()).resolves.toEqual({ generation: 2, tokens: null });
  });

  it('never moves the generation backwards on clear', async () => {
    const vault = createMemoryVault();
    await vault.save({ generation: 5, tokens: tokens('a') });
    await vault.clear(3);
    await expect(vault.load()).resolves.toEqual({ generation: 5, tokens: null });
    await expect(vault.save({ generation: 4, tokens: tokens('stale') })).resolves.toBe(false);
  });

  it('accepts a new login after the signed-out marker', async () => {
    const vault = createMemoryVault();
    await vault.clear(2);
    await expect(vault.save({ generation: 3, tokens: tokens('fresh') })).resolves.toBe(true);
    await expect(vault.load()).resolves.toEqual({ generation: 3, tokens: tokens('fresh') });
  });

  it('keeps nothing between vaults (nothing survives a reload)', async () => {
    await createMemoryVault().save({ generation: 1, tokens: tokens('a') });
    await expect(createMemoryVault().load()).resolves.toBeNull();
  });

  it('records an owed server logout on the marker until it is settled, and settles only that generation', async () => {
    const vault = createMemoryVault();
    await vault.clear(2, true);
    await vault.settle(1);
    await expect(vault.load()).resolves.toEqual({ generation: 2, tokens: null, owed: true });
    await vault.settle(2);
    await expect(vault.load()).resolves.toEqual({ generation: 2, tokens: null });
  });

  it('writes a heard-of logout only when it is news, and never over a later record', async () => {
    const vault = createMemoryVault();
    await vault.save({ generation: 3, tokens: tokens('a') });
    await expect(vault.save({ generation: 2, tokens: null })).resolves.toBe(false);
    await expect(vault.save({ generation: 4, tokens: null })).resolves.toBe(true);
    await vault.settle(4);
    await expect(vault.save({ generation: 4, tokens: null })).resolves.toBe(false);
    await expect(vault.load()).resolves.toEqual({ generation: 4, tokens: null });
  });
});

describe('issue 23, finding 7: a login and a logout never claim the same generation', () => {
  it('refuses tokens at the generation of a signed-out marker, and still takes them at the next', async () => {
    const vault = createMemoryVault();
    await vault.clear(5, true);
    await expect(vault.save({ generation: 5, tokens: tokens('login') })).resolves.toBe(false);
    await expect(vault.load()).resolves.toEqual({ generation: 5, tokens: null, owed: true });
    await expect(vault.save({ generation: 6, tokens: tokens('login') })).resolves.toBe(true);
  });
});
