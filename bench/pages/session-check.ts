// Section 7's page: one session with `sessionCheck` per tab; each browser context is a device.
import { createSession, sessionCheck, type Session } from '../../src/index.ts';
import type { SessionCheckPage } from './api.ts';

let session: Session | null = null;
let revokedAt: number | null = null;
const revoked = new Set<(at: number) => void>();

function current(): Session {
  if (!session) throw new Error('call start() first');
  return session;
}

/** Resolves with what `wait` yields, or with null after `timeoutMs`. */
function within<T>(timeoutMs: number, wait: (done: (value: T) => void) => () => void): Promise<T | null> {
  return new Promise((resolve) => {
    const finish = (value: T | null) => {
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const stop = wait(finish);
  });
}

window.benchCheck = {
  async start(interval) {
    session = createSession({ name: 'bench-check', sessionCheck: sessionCheck({ interval }) });
    // A new round begins with a sign-in, here or in another tab.
    session.on('login', () => (revokedAt = null));
    session.on('logout', ({ reason }) => {
      if (reason !== 'revoked') return;
      revokedAt = Date.now();
      for (const done of [...revoked]) done(revokedAt);
    });
    await session.ready;
  },
  login: () => current().login({ username: 'alice', password: 'wonderland' }),
  async whenSignedIn(timeoutMs) {
    const s = current();
    const signedIn = () => s.getState().status === 'authenticated';
    if (signedIn()) return true;
    return (await within<boolean>(timeoutMs, (done) => s.subscribe(() => signedIn() && done(true)))) ?? false;
  },
  async revokeOthers() {
    const s = current();
    const { sessions } = await s.http.get('/auth/sessions').json<{ sessions: { id: string; current: boolean }[] }>();
    await Promise.all(sessions.filter((d) => !d.current).map((d) => s.http.post(`/auth/sessions/${d.id}/revoke`)));
    return Date.now();
  },
  whenRevoked(timeoutMs) {
    if (revokedAt !== null) return Promise.resolve(revokedAt);
    return within<number>(timeoutMs, (done) => {
      revoked.add(done);
      return () => revoked.delete(done);
    });
  },
} satisfies SessionCheckPage;
