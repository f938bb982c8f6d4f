// The devices panel: every signed-in session of this user (this browser and others), with a
// "sign out" per device and "sign out everywhere". A device signed out here notices within the
// session-check interval, through the SDK's `sessionCheck`, and leaves with reason `revoked`.
import type { Session } from '../../src/index.ts';
import { byId, h } from './dom.ts';
import { clockTime } from './format.ts';
import type { EventLog } from './log.ts';

interface Device {
  id: string;
  label: string;
  signedInAt: number;
  lastSeenAt: number;
  current: boolean;
}

export function mountDevicesPanel(session: Session, log: EventLog): void {
  const list = byId<HTMLUListElement>('devices');
  const everywhere = byId<HTMLButtonElement>('logout-all');

  async function load(): Promise<void> {
    if (session.getState().status !== 'authenticated') return void list.replaceChildren();
    try {
      const { sessions } = await session.http.get('/auth/sessions').json<{ sessions: Device[] }>();
      list.replaceChildren(...sessions.map(row));
    } catch (error) {
      list.replaceChildren(h('li', { class: 'note' }, `Could not load the devices: ${String(error)}`));
    }
  }

  function row(device: Device): HTMLLIElement {
    const button = h('button', { type: 'button', class: 'quiet' }, device.current ? 'Sign out here' : 'Sign out');
    button.addEventListener('click', () => void signOut(device));
    return h(
      'li',
      { class: 'device', 'data-current': String(device.current) },
      h('strong', {}, device.label),
      device.current ? h('span', { class: 'pill' }, 'this device') : null,
      h('span', { class: 'note' }, `signed in ${clockTime(device.signedInAt)}, last active ${clockTime(device.lastSeenAt)}`),
      button,
    );
  }

  async function signOut(device: Device): Promise<void> {
    await post(`/auth/sessions/${device.id}/revoke`, device.current ? 'This device signed out' : `Signed out ${device.label}`);
    // The server ended this browser's session too: the local logout follows at once.
    if (device.current) await session.logout();
    else await load();
  }

  async function post(path: string, title: string): Promise<void> {
    try {
      await session.http.post(path);
      log.add({
        kind: 'logout',
        title,
        detail: 'The server deleted the session and revoked its refresh tokens; that device notices at its next session check.',
      });
    } catch (error) {
      log.add({ kind: 'api', failed: true, title: `${title}: failed`, detail: String(error) });
    }
  }

  everywhere.addEventListener('click', () => {
    void post('/auth/logout-all', 'Signed out everywhere').then(() => session.logout());
  });
  byId('reload-devices').addEventListener('click', () => void load());
  // On sign-in and sign-out, and after each refresh (which is what "last active" counts).
  session.on('refresh', () => void load());
  let shown = session.getState().status;
  session.subscribe(({ status }) => {
    if (status !== shown) void load();
    shown = status;
  });
}
