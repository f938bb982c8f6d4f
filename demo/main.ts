// The demo page: one session, created the way an app would create it, and panels that show
// what it does. Each panel only subscribes to the session; none of them reaches inside it.
import { createSession, sessionCheck } from 'tokenward';
import { mountDevicesPanel } from './parts/devices-panel.ts';
import { byId } from './parts/dom.ts';
import { createEventLog } from './parts/log.ts';
import { mountMemoryView } from './parts/memory-view.ts';
import { logSessionEvents } from './parts/session-log.ts';
import { mountSessionPanel } from './parts/session-panel.ts';
import { mountSwitches } from './parts/switches.ts';
import { mountVaultView } from './parts/vault-view.ts';

/** The SDK's default, spelled out because the countdown computes with it too. */
const REFRESH_LEEWAY = 30;

// Every default fits the reference server: same origin, /auth/* endpoints, XSRF-TOKEN cookie,
// encrypted IndexedDB, cross-tab sync. The session check is short here so that a device signed
// out from another one visibly leaves within seconds; 60 s (the default interval) suits an app.
const session = createSession({ refreshLeeway: REFRESH_LEEWAY, sessionCheck: sessionCheck({ interval: 5 }) });

// A short random name, to tell tabs apart on screen; it is not an identifier of anything.
const tabName = crypto.randomUUID().slice(0, 4);
byId('tab-name').textContent = tabName;
document.title = `tokenward demo · tab ${tabName}`;

const log = createEventLog(byId<HTMLOListElement>('log'), byId<HTMLButtonElement>('clear-log'));
logSessionEvents(session, log);
mountSessionPanel(session, log, REFRESH_LEEWAY);
mountMemoryView(session);
mountVaultView(session);
mountSwitches(log);
mountDevicesPanel(session, log);

log.add({ kind: 'info', title: 'Page loaded', detail: 'Reading the session from the encrypted vault…' });
void session.ready.then(() => {
  const { status, claims } = session.getState();
  log.add(
    status === 'authenticated'
      ? {
          kind: 'restore',
          title: `Restored: signed in as ${claims?.sub ?? 'someone'}`,
          detail: 'Decrypted from IndexedDB, with no login call: a reload or a new tab keeps the session.',
        }
      : { kind: 'info', title: 'No session stored', detail: 'Sign in with alice / wonderland.' },
  );
});
