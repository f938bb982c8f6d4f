export { createSession } from './session.js';
export type { Session, LoginCredentials, LogoutOptions } from './contract/session.js';
export type { Flow, FlowContext, FlowFactory } from './contract/flow.js';
export type { SessionOptions, StorageKind } from './contract/options.js';
export type { SessionState, SessionStatus, Listener } from './state.js';
export type { SessionEvents, SessionEventName, SessionEventHandler, LogoutReason, ChangeSource } from './events.js';
export { TokenwardError } from './errors.js';
// What `session.http` (ky) throws besides TokenwardError, so that `instanceof` needs no ky of the app's own.
export { HTTPError, TimeoutError } from 'ky';
export type { TokenwardErrorCode, TokenwardErrorDetails } from './errors.js';
export type { TokenResponse, TokenSet, JwtClaims, SessionMode } from './tokens.js';
export type { CsrfOptions, Endpoints, BackoffOptions, PurgeOptions, PurgeFilter } from './contract/options.js';
export { sessionCheck } from './sync/session-check.js';
export type { SessionCheck, SessionCheckOptions } from './sync/session-check.js';
export { idleTimeout } from './sync/idle.js';
export type { IdleTimeout, IdleTimeoutOptions } from './sync/idle.js';
export type { SessionLink, SessionPart } from './contract/part.js';
