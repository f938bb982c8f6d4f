import type { LogoutReason, SessionEventName, SessionEvents } from '../events.js';
import type { Session } from './session.js';

/**
 * What an opt-in part of a session (`sessionCheck()`, `idleTimeout()`) gets from the session it
 * serves: the session itself, its settings, and the few privileged acts the part needs.
 */
export interface SessionLink {
  readonly session: Session<unknown>;
  /** The session's settings a part may need (resolved: `baseUrl` is absolute, or undefined outside a page). */
  readonly options: { readonly baseUrl: string | undefined; readonly name: string; readonly timeout: number };
  /** Aborts when the session is disposed: stop everything then. */
  readonly lifetime: AbortSignal;
  /**
   * The generation of the session while signed in (it counts session boundaries, from 1), or 0:
   * a verdict about an older session must not end a newer one.
   */
  readonly live: () => number;
  /** Ends the session in every tab, with `reason`. */
  readonly end: (reason: LogoutReason) => void;
  /** Emits a session event to the app's handlers. */
  readonly emit: <K extends SessionEventName>(name: K, event: SessionEvents[K]) => void;
  /** Sends a request with `token` the way every authenticated request goes: as a bearer token, or with DPoP, with a proof. */
  readonly send: (request: Request, token: string) => Promise<Response>;
  /** Every answer from the session's server, for the CSRF token it may send in a header to a cross-site page. */
  readonly answered: (response: Response) => void;
}

/** What `createSession` takes for an opt-in part: made by the part's function, so that an app without it bundles none of its code. */
export interface SessionPart {
  /** Starts serving the session, until `link.lifetime` aborts. */
  start(link: SessionLink): void;
}

/** What `createSession({ idleTimeout })` takes: made by `idleTimeout()`. */
export type IdleTimeout = SessionPart;

/** What `createSession({ sessionCheck })` takes: made by `sessionCheck()`. */
export type SessionCheck = SessionPart;
