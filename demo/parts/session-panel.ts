// The session panel: status, sign-in form, the two clocks and the buttons.
import { HTTPError } from 'ky';
import { TokenwardError, type Session, type SessionState } from '../../src/index.ts';
import { byId } from './dom.ts';
import { seconds } from './format.ts';
import type { EventLog } from './log.ts';
import { nextRefreshAt, tokenLifetime } from './timing.ts';

/** Often enough for tenths of a second to look smooth. */
const TICK_MS = 100;

/**
 * The status line and the two clocks (expiry, next refresh), kept current: the part of the panel
 * that does not depend on how the session signs in (the first-party form, or an OpenID provider).
 * `login-form` is whatever the page shows while signed out. `lifetimeOf` gives the access token's
 * lifetime in ms; by default from the claims, which with OpenID Connect are the ID token's.
 */
export function mountSessionStatus(session: Session, leewaySeconds: number, lifetimeOf = (state: SessionState) => tokenLifetime(state.claims)): void {
  const status = byId('status');
  const statusText = byId('status-text');
  const refreshing = byId('refreshing');
  const signedOut = byId('login-form');
  const signedIn = byId('signed-in');
  const expiresIn = byId('expires-in');
  const expiresBar = byId('expires-bar');
  const refreshIn = byId('refresh-in');
  const refreshNote = byId('refresh-note');

  function render(state: SessionState): void {
    status.dataset.status = state.status;
    statusText.textContent =
      state.status === 'authenticated'
        ? `Signed in as ${state.claims?.sub ?? 'someone'}${state.expired ? ', reconnecting…' : ''}`
        : state.status === 'loading'
          ? 'Restoring…'
          : 'Signed out';
    refreshing.hidden = !state.refreshing;
    signedOut.hidden = state.status !== 'unauthenticated';
    signedIn.hidden = state.status !== 'authenticated';
    tick();
  }

  function tick(): void {
    const state = session.getState();
    if (state.status !== 'authenticated' || state.expiresAt === null) return;
    const now = Date.now();
    const left = state.expiresAt - now;
    const lifetime = lifetimeOf(state);
    expiresIn.textContent = left > 0 ? seconds(left) : `expired ${seconds(-left)} ago`;
    expiresBar.style.width = lifetime ? `${Math.min(1, Math.max(0, left / lifetime)) * 100}%` : '0';

    const dueAt = nextRefreshAt(state, leewaySeconds, lifetime);
    expiresBar.classList.toggle('due', dueAt !== null && now >= dueAt);
    if (state.refreshing) {
      refreshIn.textContent = 'now';
      refreshNote.textContent = 'A refresh is in flight.';
    } else if (state.error) {
      refreshIn.textContent = 'soon';
      refreshNote.textContent = `Backing off after “${state.error.code}”; the SDK retries on its own.`;
    } else if (dueAt === null) {
      refreshIn.textContent = '–';
      refreshNote.textContent = '';
    } else if (now < dueAt) {
      refreshIn.textContent = `about ${seconds(dueAt - now)}`;
      refreshNote.textContent = `${seconds(state.expiresAt - dueAt)} before expiry: the ${leewaySeconds} s leeway, capped at half the token's lifetime, less a little jitter.`;
    } else {
      refreshIn.textContent = 'due';
      refreshNote.textContent = 'One tab takes the refresh lock; the others pick up its result.';
    }
  }

  session.subscribe(render);
  render(session.getState());
  setInterval(tick, TICK_MS);
}

export function mountSessionPanel(session: Session, log: EventLog, leewaySeconds: number): void {
  mountSessionStatus(session, leewaySeconds);
  const form = byId<HTMLFormElement>('login-form');
  const username = byId<HTMLInputElement>('username');
  const password = byId<HTMLInputElement>('password');
  const signIn = byId<HTMLButtonElement>('sign-in');
  const loginError = byId('login-error');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    loginError.hidden = true;
    signIn.disabled = true;
    session
      .login({ username: username.value, password: password.value })
      .catch((error: unknown) => {
        const code = error instanceof TokenwardError ? error.code : 'network';
        const message = code === 'login_failed' ? 'Wrong user or password.' : error instanceof Error ? error.message : String(error);
        loginError.textContent = message;
        loginError.hidden = false;
        log.add({ kind: 'error', title: 'Sign-in failed', code, detail: message });
      })
      .finally(() => {
        signIn.disabled = false;
      });
  });

  byId('call-api').addEventListener('click', () => void callApi(session, log, '/api/me'));
  // A failed refresh is reported by the SDK as an `error` event, which the log already shows.
  byId('force-refresh').addEventListener('click', () => void session.refresh().catch(() => undefined));
  byId('logout').addEventListener('click', () => void session.logout());
  byId('open-tab').addEventListener('click', () => window.open(location.href, '_blank', 'noopener'));
}

/** Calls the API through `session.http` and logs what came back. */
export async function callApi(session: Session, log: EventLog, url: string): Promise<void> {
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)} ms`;
  try {
    const me = await session.http.get(url, { retry: 0 }).json<unknown>();
    log.add({
      kind: 'api',
      title: `GET ${url} → 200 in ${took()}`,
      detail: `The server checked the JWT's signature and expiry and answered ${JSON.stringify(me)}.`,
    });
  } catch (error) {
    const why =
      error instanceof HTTPError ? `HTTP ${error.response.status}` : error instanceof TokenwardError ? `${error.code}: ${error.message}` : String(error);
    log.add({ kind: 'api', failed: true, title: `GET ${url} failed after ${took()}`, detail: why });
  }
}
