// The React example: the demo's session through tokenward/react, and nothing else. The session
// is created once, outside React, so StrictMode's double mount and hot reload never make a second.
import { StrictMode, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { createSession, type SessionState } from 'tokenward';
import { SessionProvider, useSession, useSessionClient } from 'tokenward/react';
import { DEMO_USER, expiryText, failureText, statusText } from '../parts/example-text.ts';

// The defaults, as on the main page: the same name, so the same encrypted vault and cross-tab
// channel, and so one session for every tab of the demo, whichever page it shows.
const session = createSession();

function App() {
  const state = useSession();
  return (
    <section className="card" aria-labelledby="session-title">
      <h2 id="session-title">Session</h2>
      <Status state={state} />
      {state.status === 'unauthenticated' && <SignInForm />}
      {state.status === 'authenticated' && <SignedIn state={state} />}
    </section>
  );
}

function Status({ state }: { state: SessionState }) {
  return (
    <div id="status" className="status" data-status={state.status} role="status">
      <span className="dot" aria-hidden="true" />
      <span id="status-text">{statusText(state)}</span>
      {state.refreshing && <span className="pill">refreshing…</span>}
    </div>
  );
}

function SignInForm() {
  const session = useSessionClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      await session.login({ username: form.get('username'), password: form.get('password') });
      // Nothing to do on success: the new state re-renders App, which replaces this form.
    } catch (failure) {
      setError(failureText(failure));
      setPending(false);
    }
  }

  return (
    <form id="login-form" className="login-form" onSubmit={(event) => void signIn(event)}>
      <label>
        User <input id="username" name="username" defaultValue={DEMO_USER.username} autoComplete="username" required />
      </label>
      <label>
        Password <input id="password" name="password" type="password" defaultValue={DEMO_USER.password} autoComplete="current-password" required />
      </label>
      <button id="sign-in" type="submit" className="primary" disabled={pending}>
        Sign in
      </button>
      <p className="hint">
        Demo account: user <code>{DEMO_USER.username}</code>, password <code>{DEMO_USER.password}</code>.
      </p>
      {error && (
        <p id="login-error" className="inline-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function SignedIn({ state }: { state: SessionState }) {
  const session = useSessionClient();
  const [answer, setAnswer] = useState<string | null>(null);

  async function callApi() {
    try {
      // session.http adds the bearer token per request, and on a 401 refreshes once and retries.
      const me = await session.http.get('/api/me', { retry: 0 }).json<unknown>();
      setAnswer(`200 ${JSON.stringify(me)}`);
    } catch (failure) {
      setAnswer(`failed: ${failureText(failure)}`);
    }
  }

  return (
    <>
      <h3>
        Claims <small>the state holds claims, never the token</small>
      </h3>
      <dl id="claims" className="fields">
        <dt>sub</dt>
        <dd>{state.claims?.sub}</dd>
        <dt>exp</dt>
        <dd>{expiryText(state.claims)}</dd>
      </dl>
      <div className="actions">
        <button id="call-api" type="button" onClick={() => void callApi()}>
          Call <code>GET /api/me</code>
        </button>
        <button id="logout" type="button" className="danger" onClick={() => void session.logout()}>
          Log out
        </button>
      </div>
      {answer && (
        <pre id="api-answer" className="code api-answer">
          GET /api/me → {answer}
        </pre>
      )}
    </>
  );
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <SessionProvider session={session}>
      <App />
    </SessionProvider>
  </StrictMode>,
);
