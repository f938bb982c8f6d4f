// The failure switches: the reference server's /__test__ endpoints, which make it misbehave on
// purpose for every tab (they exist only because the demo server starts with `controls: true`).
import { byId } from './dom.ts';
import type { EventLog } from './log.ts';

interface SwitchChange {
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** What the server will do from now on, for the log. */
  readonly title: string;
  readonly detail?: string;
}

async function post(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`/__test__/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(answer.message ?? `HTTP ${response.status}`);
  }
}

function selectedText(select: HTMLSelectElement): string {
  return select.selectedOptions[0]?.textContent ?? select.value;
}

/** What the 429 switch asks clients to wait, in seconds; the SDK honours it over its own backoff. */
const RETRY_AFTER = 2;

export function mountSwitches(log: EventLog): void {
  const apply = (change: SwitchChange) =>
    post(change.path, change.body).then(
      () => log.add({ kind: 'switch', title: change.title, ...(change.detail ? { detail: change.detail } : {}) }),
      (error: unknown) => log.add({ kind: 'switch', failed: true, title: 'The server refused the switch', detail: String(error) }),
    );
  const onSubmit = (id: string, change: () => SwitchChange) => {
    byId<HTMLFormElement>(id).addEventListener('submit', (event) => {
      event.preventDefault();
      void apply(change());
    });
  };

  const failCount = byId<HTMLInputElement>('fail-count');
  const failKind = byId<HTMLSelectElement>('fail-kind');
  onSubmit('fail-refresh', () => {
    const count = failCount.valueAsNumber;
    const kind = failKind.value;
    const rateLimited = kind === '429';
    return {
      path: 'fail-refresh',
      body: rateLimited ? { count, kind, retryAfter: RETRY_AFTER } : { count, kind },
      title: `Server: the next ${count} refresh calls fail with ${selectedText(failKind)}${rateLimited ? ` (Retry-After: ${RETRY_AFTER} s)` : ''}`,
      detail: 'Force a refresh, or wait for the next one, and watch the spacing between failures grow.',
    };
  });

  const delay = byId<HTMLInputElement>('delay-ms');
  onSubmit('delay-refresh', () => ({
    path: 'delay-refresh',
    body: { ms: delay.valueAsNumber },
    title: delay.valueAsNumber > 0 ? `Server: refresh answers after ${delay.valueAsNumber} ms` : 'Server: refresh answers at once',
  }));

  const logoutKind = byId<HTMLSelectElement>('logout-kind');
  onSubmit('fail-logout', () => ({
    path: 'fail-logout',
    body: { kind: logoutKind.value || null },
    title: `Server: the logout endpoint is ${selectedText(logoutKind)}`,
    detail: logoutKind.value ? 'Log out anyway: this browser still forgets everything, and the log shows the failed server call.' : '',
  }));

  const ttl = byId<HTMLInputElement>('ttl-seconds');
  onSubmit('token-ttl', () => ({
    path: 'ttl',
    body: { seconds: ttl.valueAsNumber },
    title: `Server: new access tokens live ${ttl.valueAsNumber} s`,
    detail: 'Tokens already issued keep their lifetime; the next refresh brings one with the new lifetime.',
  }));

  byId('reset-switches').addEventListener('click', () => {
    for (const id of ['fail-refresh', 'delay-refresh', 'fail-logout', 'token-ttl']) byId<HTMLFormElement>(id).reset();
    void apply({ path: 'reset', body: {}, title: 'Server: every switch is off, and the token lifetime is back to its default' });
  });
}
