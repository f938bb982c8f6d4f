// The soak's page (bench/soak.ts), opened in every tab and opened again by every reload: one
// session per page load, on the shared encrypted vault, calling the API the whole time. What goes
// wrong is told to the Node side at once through `soakReport` (exposed by Playwright, it survives
// reloads); nothing is kept per call or per rotation, so the heap measures the SDK alone.
import { createSession, type Session } from '../../src/index.ts';
import type { SoakPage } from './api.ts';

let session: Session | null = null;
/** Set once this page load is on its way out: a call cut off by the reload is no API failure. */
let leaving = false;
let running = false;
addEventListener('pagehide', () => (leaving = true));

function report(kind: 'api-failure' | 'session-lost', detail: string): void {
  if (!leaving) void window.soakReport(kind, detail);
}

async function callLoop(s: Session, every: number): Promise<void> {
  while (running && !leaving) {
    const outcome = await s.fetch('/api/me').then(
      async (response) => (response.ok && (await response.json()) ? null : `status ${response.status}`),
      (error: unknown) => String(error),
    );
    // With the state at the time: how far from the token's expiry, and whether a refresh was under way.
    const { expiresAt, refreshing } = s.getState();
    if (outcome)
      report('api-failure', `${outcome} (${expiresAt === null ? 'no token' : `${expiresAt - Date.now()} ms to expiresAt`}, refreshing ${refreshing})`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

window.benchSoak = {
  async start(callEvery) {
    const s = createSession({ name: 'soak', storage: 'indexeddb' });
    session = s;
    // Only the user or the server ends a session: any logout here means one was lost.
    s.on('logout', ({ reason }) => report('session-lost', `logout: ${reason}`));
    await s.ready;
    running = true;
    void callLoop(s, callEvery);
    return s.getState().status;
  },
  async login() {
    await session?.login({ username: 'alice', password: 'wonderland' });
  },
  status: () => session?.getState().status ?? 'none',
  stop() {
    running = false;
  },
} satisfies SoakPage;
