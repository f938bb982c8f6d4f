// What the SDK's events mean, written into the event log.
import type { JwtClaims, LogoutReason, Session, TokenwardError, TokenwardErrorCode } from '../../src/index.ts';
import { seconds } from './format.ts';
import type { EventLog } from './log.ts';
import { tokenLifetime } from './timing.ts';

const LOGOUT_REASONS: Record<LogoutReason, string> = {
  user: 'Log out was clicked here. The server revoked the refresh-token family and cleared its cookies; the vault key is deleted.',
  'other-tab': 'Another tab logged out, and this tab followed at once.',
  expired: 'The access token had expired and the server refused to renew it.',
  'refresh-rejected': 'The server refused the refresh token (invalid_grant): the session is over in every tab.',
  'refresh-failed': 'The refresh endpoint kept answering with a status no retry changes (a 400, 403, 404 or a redirect).',
  idle: 'No activity in any tab for the idle timeout.',
  'storage-corrupted': 'The stored session could not be decrypted, so it was wiped.',
  revoked: 'The session check found this session ended on the server (signed out from another device), so every tab signed out.',
};

/** Refresh failures the SDK treats as passing: it keeps the session and retries with backoff. */
const TRANSIENT: ReadonlySet<TokenwardErrorCode> = new Set(['server', 'rate_limited', 'network', 'timeout', 'invalid_response', 'http']);

const ERROR_HINTS: Partial<Record<TokenwardErrorCode, string>> = {
  server: 'The server failed.',
  rate_limited: 'The server asks for fewer requests.',
  network: 'No answer: offline, or the connection dropped.',
  timeout: 'No answer within the timeout.',
  invalid_response: 'The answer was not a token response (an HTML page, say).',
  http: 'The server answered with an unexpected status.',
  logout_failed: 'This tab is signed out all the same: the local logout never waits for the server.',
  storage_unavailable: 'Encrypted storage cannot be used here; the session is kept in memory only.',
  storage_corrupted: 'The stored session could not be decrypted or validated.',
};

const ERROR_TITLES: Partial<Record<TokenwardErrorCode, string>> = {
  logout_failed: 'Server logout failed',
  storage_unavailable: 'Storage unavailable',
  storage_corrupted: 'Storage corrupted',
};

function describeError(error: TokenwardError, sincePrevious: number | null): { title: string; detail: string } {
  const status = error.status === undefined ? '' : `HTTP ${error.status}${error.retryAfter === undefined ? '' : `, Retry-After: ${error.retryAfter} s`}. `;
  const hint = `${status}${ERROR_HINTS[error.code] ?? error.message}`;
  if (!TRANSIENT.has(error.code)) return { title: ERROR_TITLES[error.code] ?? 'Error', detail: hint };
  const spacing = sincePrevious === null ? '' : ` (${seconds(sincePrevious)} after the previous failure)`;
  return { title: 'Refresh failed', detail: `${hint} The session is kept; the SDK retries with backoff${spacing}.` };
}

function validFor(claims: JwtClaims | null): string {
  const lifetime = tokenLifetime(claims);
  return lifetime === null ? '' : ` New access token, valid for ${Math.round(lifetime / 1000)} s.`;
}

/** What this tab's own sign-in and refresh did, in the words of the flow the page uses. */
export interface FlowTexts {
  login(claims: JwtClaims | null): string;
  refresh(claims: JwtClaims | null): string;
}

const FIRST_PARTY: FlowTexts = {
  login: (claims) => `The refresh token is now an HttpOnly cookie.${validFor(claims)}`,
  refresh: (claims) => `The server rotated the refresh cookie.${validFor(claims)}`,
};

export function logSessionEvents(session: Session, log: EventLog, texts: FlowTexts = FIRST_PARTY): void {
  // Backoff shows in the spacing between failures; a success starts the count again.
  let lastFailureAt: number | null = null;
  const succeeded = () => {
    lastFailureAt = null;
  };

  session.on('login', ({ claims, source }) => {
    succeeded();
    const otherTab = source === 'other-tab';
    log.add({
      kind: 'login',
      title: `Signed in as ${claims?.sub ?? 'someone'}`,
      otherTab,
      detail: otherTab ? 'Another tab signed in; this tab read the session from the encrypted vault.' : texts.login(claims),
    });
  });

  session.on('refresh', ({ claims, source }) => {
    succeeded();
    const otherTab = source === 'other-tab';
    log.add({
      kind: 'refresh',
      title: otherTab ? 'Refreshed by another tab' : 'Silent refresh',
      otherTab,
      detail: otherTab ? 'This tab took the new token from the vault, without a server call of its own.' : texts.refresh(claims),
    });
  });

  session.on('logout', ({ reason }) => {
    succeeded();
    log.add({ kind: 'logout', title: 'Signed out', code: reason, otherTab: reason === 'other-tab', detail: LOGOUT_REASONS[reason] });
  });

  session.on('expired', () => {
    log.add({ kind: 'expired', title: 'Access token expired', detail: 'No fresh token yet: the session is kept, and the refresh goes on being retried.' });
  });

  session.on('error', ({ error }) => {
    const now = Date.now();
    const { title, detail } = describeError(error, lastFailureAt === null ? null : now - lastFailureAt);
    if (TRANSIENT.has(error.code)) lastFailureAt = now;
    log.add({ kind: 'error', title, code: error.code, detail });
  });

  session.on('storage-corrupted', ({ error }) => {
    log.add({ kind: 'error', title: 'Stored session corrupted', code: error.code, detail: LOGOUT_REASONS['storage-corrupted'] });
  });
}
