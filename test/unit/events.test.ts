import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { TokenwardError } from '../../src/errors.js';
import { createEmitter, type SessionEvents } from '../../src/events.js';

describe('createEmitter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls the handlers of the emitted event, in order, with its payload', () => {
    const events = createEmitter<SessionEvents>();
    const calls: string[] = [];
    events.on('logout', (event) => calls.push(`first:${event.reason}`));
    events.on('logout', (event) => calls.push(`second:${event.reason}`));
    events.on('login', () => calls.push('login'));
    events.emit('logout', { reason: 'idle' });
    expect(calls).toEqual(['first:idle', 'second:idle']);
  });

  it('types each handler by its event name', () => {
    const events = createEmitter<SessionEvents>();
    events.on('logout', (event) => {
      expectTypeOf(event.reason).toEqualTypeOf<SessionEvents['logout']['reason']>();
    });
    events.on('error', (event) => {
      expectTypeOf(event.error).toEqualTypeOf<TokenwardError>();
    });
    // @ts-expect-error: not a session event
    events.on('signed-in', () => {});
    // @ts-expect-error: a logout carries a reason, not an error
    events.emit('logout', { error: new TokenwardError('network', 'offline') });
    // @ts-expect-error: not a logout reason
    events.emit('logout', { reason: 'bored' });
    events.emit('logout', { reason: 'user' });
  });

  it('does nothing when an event has no handlers', () => {
    const events = createEmitter<SessionEvents>();
    expect(() => events.emit('expired', { expiresAt: 0 })).not.toThrow();
  });

  it('stops calling a handler once it unsubscribed', () => {
    const events = createEmitter<SessionEvents>();
    const handler = vi.fn();
    const other = vi.fn();
    const off = events.on('idle-warning', handler);
    events.on('idle-warning', other);
    events.emit('idle-warning', { logoutAt: 1 });
    off();
    off();
    events.emit('idle-warning', { logoutAt: 2 });
    expect(handler).toHaveBeenCalledOnce();
    expect(handler).toHaveBeenCalledWith({ logoutAt: 1 });
    expect(other).toHaveBeenCalledTimes(2);
  });

  it('drops every handler on clear()', () => {
    const events = createEmitter<SessionEvents>();
    const handler = vi.fn();
    events.on('logout', handler);
    events.on('expired', handler);
    events.clear();
    events.emit('logout', { reason: 'user' });
    events.emit('expired', { expiresAt: 0 });
    expect(handler).not.toHaveBeenCalled();
  });

  it('keeps calling the other handlers when one throws, and rethrows its error on a timer', () => {
    const events = createEmitter<SessionEvents>();
    const boom = new Error('handler bug');
    const before = vi.fn();
    const after = vi.fn();
    events.on('logout', before);
    events.on('logout', () => {
      throw boom;
    });
    events.on('logout', after);
    expect(() => events.emit('logout', { reason: 'user' })).not.toThrow();
    expect(before).toHaveBeenCalledOnce();
    expect(after).toHaveBeenCalledOnce();
    // Not swallowed: the app's error reporting sees it on a fresh task.
    expect(vi.getTimerCount()).toBe(1);
    expect(() => vi.runAllTimers()).toThrow(boom);
  });

  it('lets a handler unsubscribe itself while the event is being emitted', () => {
    const events = createEmitter<SessionEvents>();
    const calls: string[] = [];
    const off = events.on('refresh', () => {
      calls.push('once');
      off();
    });
    events.on('refresh', () => calls.push('always'));
    const payload = { claims: null, expiresAt: 1, source: 'this-tab' } as const;
    events.emit('refresh', payload);
    events.emit('refresh', payload);
    expect(calls).toEqual(['once', 'always', 'always']);
  });
});
