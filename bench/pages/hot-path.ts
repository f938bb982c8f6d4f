// Section 2's page: every contender in one page, each loaded on demand (its own chunk).
import { probe } from './lib/probe.ts';
import type { HotContenderName, HotPathPage } from './api.ts';
import type { HotContender } from './hot/contender.ts';

const contenders: Record<HotContenderName, () => Promise<HotContender>> = {
  'bare Promise.resolve(token)': () => import('./hot/bare.ts').then((m) => m.setup()),
  'tokenward (memory)': () => import('./hot/tokenward.ts').then((m) => m.setup('memory')),
  'tokenward (indexeddb)': () => import('./hot/tokenward.ts').then((m) => m.setup('indexeddb')),
  'okta-auth-js': () => import('./hot/okta.ts').then((m) => m.setup()),
  'oidc-client-ts': () => import('./hot/oidc-client-ts.ts').then((m) => m.setup()),
  'auth0-spa-js': () => import('./hot/auth0.ts').then((m) => m.setup()),
  'supabase auth-js': () => import('./hot/supabase.ts').then((m) => m.setup()),
  'msal-browser': () => import('./hot/msal.ts').then((m) => m.setup()),
};

const ready = new Map<HotContenderName, HotContender>();

/** Between clock reads: reading the clock after every call would cost as much as the fastest call. */
const BATCH = 64;

window.benchHot = {
  async setup(name) {
    try {
      const contender = await contenders[name]();
      const answer = contender.tokenOf(await contender.call());
      if (answer !== contender.expected) {
        return { ok: false, reason: `answered ${answer === undefined || answer === null ? String(answer) : 'another value'} instead of the seeded token` };
      }
      ready.set(name, contender);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  },

  async run(name, ms) {
    const contender = ready.get(name);
    if (!contender) throw new Error(`${name} is not set up`);
    const { call } = contender;
    probe.reset();
    let calls = 0;
    const start = performance.now();
    const end = start + ms;
    let now = start;
    while (now < end) {
      for (let i = 0; i < BATCH; i++) await call();
      calls += BATCH;
      now = performance.now();
    }
    return { calls, elapsedMs: now - start, touches: probe.read() };
  },
} satisfies HotPathPage;
