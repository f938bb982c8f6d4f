// The "in memory" panel: the SDK's state snapshot, exactly as the app gets it, and the cookies
// page script can see next to it.
import type { Session, SessionState } from '../../src/index.ts';
import { byId, h } from './dom.ts';
import { clockTime } from './format.ts';

export function mountMemoryView(session: Session): void {
  const list = byId('memory');
  const claims = byId('claims');
  const cookieNames = byId('cookie-names');
  const render = (state: SessionState) => {
    const rows: Array<[string, string]> = [
      ['status', state.status],
      ['expiresAt', state.expiresAt === null ? 'null' : `${state.expiresAt} (${clockTime(state.expiresAt)})`],
      ['refreshing', String(state.refreshing)],
      ['error', state.error ? `${state.error.code}: ${state.error.message}` : 'null'],
    ];
    list.replaceChildren(...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, h('code', {}, value))]));
    claims.textContent = JSON.stringify(state.claims, null, 2);
    renderCookieNames(cookieNames);
  };
  session.subscribe(render);
  render(session.getState());
}

/** Names only: the CSRF token is readable by design, but it is still nothing to put on screen. */
function renderCookieNames(container: HTMLElement): void {
  const names = document.cookie
    .split(';')
    .map((pair) => pair.split('=')[0]?.trim() ?? '')
    .filter((name) => name !== '');
  container.replaceChildren(...(names.length ? names.map((name) => h('code', { class: 'chip' }, name)) : [h('span', { class: 'muted' }, 'none')]));
}
