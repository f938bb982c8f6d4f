export { createSession } from './session.js';
export type { Session, LoginCredentials, LogoutOptions } from './session.js';
export type { Flow, FlowContext, FlowFactory } from './flows/flow.js';
export type { SessionOptions, StorageKind } from './options.js';
export type { SessionState, SessionStatus, Listener } from './state.js';
export type { SessionEvents, SessionEventName, SessionEventHandler, LogoutReason, ChangeSource } from './events.js';
export { TokenwardError } from './errors.js';
// What `session.http` (ky) throws besides TokenwardError, so that `instanceof` needs no ky of the app's own.
export { HTTPError, TimeoutError } from 'ky';
export type { TokenwardErrorCode, TokenwardErrorDetails } from './errors.js';
export type { TokenResponse, TokenSet, JwtClaims, SessionMode } from './tokens.js';
export type { CsrfOptions } from './http/csrf.js';
export type { Endpoints } from './http/auth-api.js';
export type { BackoffOptions } from './refresh/backoff.js';
export type { PurgeOptions, PurgeFilter } from './logout/purge.js';
export { sessionCheck } from './sync/session-check.js';
export type { SessionCheck, SessionCheckOptions, CheckContext, CheckedSession } from './sync/session-check.js';
export { idleTimeout } from './sync/idle.js';
export type { IdleTimeout, IdleTimeoutOptions, IdleHooks, IdleTracker } from './sync/idle.js';
