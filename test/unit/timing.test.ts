import { describe, expect, it } from 'vitest';
import { refreshDueAt } from '../../src/refresh/timing.js';

const ISSUED_AT = Date.UTC(2030, 0, 1);
const noJitter = (): number => 0;
const fullJitter = (): number => 1;

function tokens(lifetimeSeconds: number): { issuedAt: number; expiresAt: number } {
  return { issuedAt: ISSUED_AT, expiresAt: ISSUED_AT + lifetimeSeconds * 1000 };
}

describe('refreshDueAt', () => {
  it('is due `leeway` seconds before expiry', () => {
    const fifteenMinutes = tokens(900);
    expect(refreshDueAt(fifteenMinutes, 30, noJitter)).toBe(fifteenMinutes.expiresAt - 30_000);
    expect(refreshDueAt(fifteenMinutes, 0, noJitter)).toBe(fifteenMinutes.expiresAt);
  });

  it('caps the leeway at half the lifetime, so a short token does not refresh in a loop', () => {
    const fourSeconds = tokens(4);
    expect(refreshDueAt(fourSeconds, 30, noJitter)).toBe(ISSUED_AT + 2_000);
    const oneMinute = tokens(60);
    expect(refreshDueAt(oneMinute, 45, noJitter)).toBe(ISSUED_AT + 30_000);
  });

  it('keeps the leeway when it is exactly half the lifetime', () => {
    expect(refreshDueAt(tokens(60), 30, noJitter)).toBe(ISSUED_AT + 30_000);
  });

  it('subtracts at most 2 s of jitter from a long-lived token', () => {
    const oneHour = tokens(3600);
    expect(refreshDueAt(oneHour, 30, fullJitter)).toBe(oneHour.expiresAt - 30_000 - 2_000);
    expect(refreshDueAt(oneHour, 30, () => 0.5)).toBe(oneHour.expiresAt - 30_000 - 1_000);
  });

  it('subtracts at most 5 % of the lifetime as jitter from a short-lived token', () => {
    const tenSeconds = tokens(10);
    // Leeway capped at 5 s, jitter at 0.5 s.
    expect(refreshDueAt(tenSeconds, 30, fullJitter)).toBe(ISSUED_AT + 5_000 - 500);
  });

  it('stays between the no-jitter and full-jitter bounds for any random value', () => {
    for (const lifetime of [1, 4, 10, 60, 300, 3600, 86_400]) {
      const set = tokens(lifetime);
      const latest = refreshDueAt(set, 30, noJitter);
      const earliest = refreshDueAt(set, 30, fullJitter);
      expect(earliest).toBeLessThanOrEqual(latest);
      // Never sooner than 45 % into the lifetime: half the lifetime as leeway plus 5 % jitter.
      expect(earliest).toBeGreaterThanOrEqual(ISSUED_AT + lifetime * 1000 * 0.45);
      for (const random of [0.1, 0.25, 0.5, 0.75, 0.999]) {
        const dueAt = refreshDueAt(set, 30, () => random);
        expect(dueAt).toBeGreaterThanOrEqual(earliest);
        expect(dueAt).toBeLessThanOrEqual(latest);
      }
    }
  });

  it('is due at once for a token with no lifetime left', () => {
    const dead = { issuedAt: ISSUED_AT, expiresAt: ISSUED_AT };
    expect(refreshDueAt(dead, 30, fullJitter)).toBe(ISSUED_AT);
    const backwards = { issuedAt: ISSUED_AT, expiresAt: ISSUED_AT - 1_000 };
    expect(refreshDueAt(backwards, 30, fullJitter)).toBe(backwards.expiresAt);
  });
});
