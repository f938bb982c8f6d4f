import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore, INITIAL_STATE, type SessionState } from '../../src/state.js';

describe('createStore', () => {
  it('starts at the loading state, frozen', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    expect(store.get()).toBe(INITIAL_STATE);
    expect(store.get()).toEqual({ status: 'loading', expiresAt: null, claims: null, refreshing: false, expired: false, error: null });
    expect(Object.isFrozen(store.get())).toBe(true);
  });

  it('hands out the same snapshot object until a real change', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    const first = store.get();
    expect(store.get()).toBe(first);
    store.update({});
    store.update({ status: 'loading', refreshing: false });
    expect(store.get()).toBe(first);
    store.update({ status: 'authenticated', expiresAt: 1_000 });
    const second = store.get();
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ status: 'authenticated', expiresAt: 1_000 });
    expect(store.get()).toBe(second);
  });

  it('compares values, not just identities that happen to match (NaN, -0)', () => {
    const store = createStore({ value: Number.NaN });
    const first = store.get();
    store.update({ value: Number.NaN });
    expect(store.get()).toBe(first);
    store.update({ value: -0 });
    expect(store.get()).not.toBe(first);
  });

  it('freezes every new snapshot and leaves the previous one untouched', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    store.update({ status: 'authenticated', claims: { sub: 'u1' } });
    const snapshot = store.get();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(() => {
      (snapshot as { status: string }).status = 'unauthenticated';
    }).toThrow(TypeError);
    expect(INITIAL_STATE.status).toBe('loading');
  });

  it('calls listeners only on a real change, with the new snapshot', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    const listener = vi.fn();
    store.subscribe(listener);
    store.update({ status: 'loading' });
    expect(listener).not.toHaveBeenCalled();
    store.update({ refreshing: true });
    expect(listener).toHaveBeenCalledOnce();
    expect(listener).toHaveBeenCalledWith(store.get());
    store.update({ refreshing: true });
    expect(listener).toHaveBeenCalledOnce();
  });

  it('stops calling a listener once it unsubscribed, and keeps calling the others', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    const leaving = vi.fn();
    const staying = vi.fn();
    const unsubscribe = store.subscribe(leaving);
    store.subscribe(staying);
    store.update({ refreshing: true });
    unsubscribe();
    unsubscribe();
    store.update({ refreshing: false });
    expect(leaving).toHaveBeenCalledOnce();
    expect(staying).toHaveBeenCalledTimes(2);
  });

  it('delivers a notification in progress to a listener removed during it, but not the next one', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    const second = vi.fn();
    let unsubscribeSecond = (): void => {};
    store.subscribe(() => unsubscribeSecond());
    unsubscribeSecond = store.subscribe(second);
    store.update({ refreshing: true });
    expect(second).toHaveBeenCalledOnce();
    store.update({ refreshing: false });
    expect(second).toHaveBeenCalledOnce();
  });

  it('publishes the new snapshot before listeners run, so get() agrees with what they receive', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    const seen: boolean[] = [];
    store.subscribe((state) => seen.push(store.get() === state));
    store.update({ status: 'unauthenticated' });
    expect(seen).toEqual([true]);
  });
});

describe('createStore with a listener that throws', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('still updates the snapshot and notifies the other listeners, then rethrows on a timer', () => {
    const store = createStore<SessionState>(INITIAL_STATE);
    const boom = new Error('app listener bug');
    const after = vi.fn();
    store.subscribe(() => {
      throw boom;
    });
    store.subscribe(after);
    // A logout publishes `unauthenticated` and must go on to purge storage: the update itself must not throw.
    expect(() => store.update({ status: 'unauthenticated' })).not.toThrow();
    expect(store.get().status).toBe('unauthenticated');
    expect(after).toHaveBeenCalledOnce();
    // The app's error reporting still sees the failure, on a fresh task.
    expect(() => vi.runAllTimers()).toThrow(boom);
  });
});
