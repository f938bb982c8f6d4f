// The tokenward quickstart, shared by the core app and the framework apps: one session for the
// page, its status on screen, a login form, an authenticated API call and a logout button.
import { createSession, type Session, type SessionOptions } from '../../../src/index.ts';
import { onClick, onLogin, show } from './ui.ts';

/** `session`: one created elsewhere (by tokenward/angular's provider) instead of from `options`. */
export function startTokenwardApp<S extends Session = Session>(options?: SessionOptions, session: S = createSession(options) as S): S {
  session.subscribe((state) => show(state.status));
  onLogin((username, password) => session.login({ username, password }));
  onClick('#me', async () => show((await session.http.get('api/me').json<{ user: string }>()).user));
  onClick('#logout', () => session.logout());
  return session;
}
