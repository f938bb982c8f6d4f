// The hub tests' set-up: fake timers, the fake server, a fresh browser (browser.ts) per test,
// and tabs that are sessions created the way an app creates them.
import { afterEach, beforeEach, vi } from 'vitest';
import { createSession, type Session, type SessionEventName, type SessionEvents, type SessionOptions } from '../../../src/index.js';
import { browser } from './browser.js';
import { BASE_URL, PASSWORD, stubServer, type FakeServer } from './fake-server.js';

export const START = Date.UTC(2030, 0, 1, 12, 0, 0);

export interface Hub {
  server: FakeServer;
  /** A new tab of the same browser: a session with the memory vault and the shared channel. */
  openTab(options?: SessionOptions): Session;
  /** A new tab, signed in through the fake server. */
  signedInTab(options?: SessionOptions): Promise<Session>;
}

/** Fake timers from START, the fake server, a fresh browser per test; every tab disposed after it. */
export function useHub(): Hub {
  const tabs: Session[] = [];
  const hub = {} as Hub;
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
    browser.reset();
    hub.server = stubServer();
  });
  afterEach(() => {
    for (const tab of tabs.splice(0)) tab.dispose();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });
  hub.openTab = (options) => {
    const tab = createSession({ storage: 'memory', baseUrl: BASE_URL, ...options });
    tabs.push(tab);
    return tab;
  };
  hub.signedInTab = async (options) => {
    const tab = hub.openTab(options);
    await tab.login({ username: 'alice', password: PASSWORD });
    return tab;
  };
  return hub;
}

/** Every `name` event a tab emits from now on. */
export function record<K extends SessionEventName>(tab: Session, name: K): Array<SessionEvents[K]> {
  const events: Array<SessionEvents[K]> = [];
  tab.on(name, (event) => events.push(event));
  return events;
}

/** Lets every pending microtask and due timer run, without moving the clock. */
export const settle = (): Promise<unknown> => vi.advanceTimersByTimeAsync(0);
