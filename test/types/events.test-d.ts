// The public types as a user meets them: what `on(name, handler)` hands each handler.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createSession,
  TokenwardError,
  type ChangeSource,
  type JwtClaims,
  type Listener,
  type LogoutReason,
  type Session,
  type SessionState,
  type TokenwardErrorCode,
  type TokenwardErrorDetails,
} from '../../src/index.js';

declare const session: Session;

describe('session.on(name, handler)', () => {
  it('gives each event its own payload', () => {
    session.on('login', (event) => {
      expectTypeOf(event).toEqualTypeOf<{ readonly claims: JwtClaims | null; readonly expiresAt: number; readonly source: ChangeSource }>();
    });
    session.on('refresh', (event) => expectTypeOf(event.source).toEqualTypeOf<'this-tab' | 'other-tab'>());
    session.on('logout', (event) => expectTypeOf(event.reason).toEqualTypeOf<LogoutReason>());
    session.on('expired', (event) => expectTypeOf(event).toEqualTypeOf<{ readonly expiresAt: number }>());
    session.on('error', (event) => expectTypeOf(event.error).toEqualTypeOf<TokenwardError>());
    session.on('storage-corrupted', (event) => expectTypeOf(event.error.code).toEqualTypeOf<TokenwardErrorCode>());
    session.on('idle-warning', (event) => expectTypeOf(event.logoutAt).toBeNumber());
  });

  it('refuses unknown events and handlers that expect another payload', () => {
    // @ts-expect-error: no such event
    session.on('signed-in', () => undefined);
    // @ts-expect-error: a logout carries a reason, not claims
    session.on('logout', (event: { claims: JwtClaims }) => event);
    expectTypeOf(session.on('login', () => undefined)).toEqualTypeOf<() => void>();
  });

  it('logout reasons are exactly the documented ones', () => {
    expectTypeOf<LogoutReason>().toEqualTypeOf<
      'user' | 'other-tab' | 'expired' | 'refresh-rejected' | 'idle' | 'storage-corrupted' | 'revoked' | 'refresh-failed'
    >();
  });
});

describe('the rest of the public surface', () => {
  it('types state, listeners, tokens and errors', () => {
    expectTypeOf(createSession({})).toEqualTypeOf<Session>();
    expectTypeOf<Session['subscribe']>().parameter(0).toEqualTypeOf<Listener<SessionState>>();
    expectTypeOf(session.getAccessToken()).resolves.toEqualTypeOf<string | null>();
    expectTypeOf<SessionState['status']>().toEqualTypeOf<'loading' | 'authenticated' | 'unauthenticated'>();
    expectTypeOf(TokenwardError).constructorParameters.toEqualTypeOf<[TokenwardErrorCode, string, TokenwardErrorDetails?]>();
  });
});
