// Section 6's page, opened in every tab: one session per tab (shared vault and channel), and
// bursts of concurrent API calls timed to land when the access token expires.
import { createSession, type Session } from '../../src/index.ts';
import type { RefreshPage } from './api.ts';

let session: Session | null = null;

function current(): Session {
  if (!session) throw new Error('call start() first');
  return session;
}

/** Resolves true once the session holds a token expiring after `than`, or false after `timeoutMs`. */
function whenExpiresAfter(than: number, timeoutMs: number): Promise<boolean> {
  const s = current();
  const fresh = () => (s.getState().expiresAt ?? 0) > than;
  if (fresh()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      stop();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const stop = s.subscribe(() => {
      if (fresh()) finish(true);
    });
  });
}

window.benchRefresh = {
  async start() {
    // Leeway 0: the refresh falls due at expiry itself (less the scheduler's jitter), together with the bursts.
    session = createSession({ name: 'bench-refresh', refreshLeeway: 0 });
    await session.ready;
  },
  login: () => current().login({ username: 'alice', password: 'wonderland' }),
  whenSignedIn: (timeoutMs) => whenExpiresAfter(0, timeoutMs),
  async expiries(count, concurrent) {
    const s = current();
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const { expiresAt } = s.getState();
      if (expiresAt === null) throw new Error('signed out during the run');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now())));
      const burst = await Promise.all(
        Array.from({ length: concurrent }, () =>
          s.fetch('/api/me').then(
            (response) => response.status,
            () => 0,
          ),
        ),
      );
      statuses.push(...burst);
      if (!(await whenExpiresAfter(expiresAt, 15_000))) throw new Error('no new token after an expiry');
    }
    return statuses;
  },
} satisfies RefreshPage;
