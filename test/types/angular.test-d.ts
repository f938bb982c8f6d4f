// The Angular binding's types as an Angular app meets them.
import type { EnvironmentProviders, Signal } from '@angular/core';
import type { HttpInterceptorFn } from '@angular/common/http';
import type { CanActivateChildFn, CanActivateFn, Router, UrlTree } from '@angular/router';
import { describe, expectTypeOf, it } from 'vitest';
import { authGuard, injectSession, provideTokenward, tokenwardInterceptor, type AuthGuardOptions, type TokenwardSession } from '../../src/angular/index.js';
import type { LogoutReason, Session, SessionState } from '../../src/index.js';

describe('tokenward/angular', () => {
  it('provideTokenward takes the session options and, for the guard, where to log in', () => {
    expectTypeOf(provideTokenward()).toEqualTypeOf<EnvironmentProviders>();
    expectTypeOf(provideTokenward({ baseUrl: 'https://api.example.com' }, { login: '/login' })).toEqualTypeOf<EnvironmentProviders>();
    provideTokenward({}, { login: (url, reason, router) => router.createUrlTree(['/login'], { queryParams: { next: url, reason } }) });
    expectTypeOf<AuthGuardOptions['login']>().toEqualTypeOf<string | ((url: string, reason: LogoutReason | undefined, router: Router) => string | UrlTree)>();
    // @ts-expect-error: an unknown option is a mistake
    provideTokenward({ baseUrl: 'https://api.example.com', baseURL: 'typo' });
  });

  it('injectSession gives the session, with its state as a read-only signal', () => {
    const session = injectSession();
    expectTypeOf(session).toEqualTypeOf<TokenwardSession>();
    expectTypeOf(session).toExtend<Session>();
    expectTypeOf(session.state).toEqualTypeOf<Signal<SessionState>>();
    // Read-only: the state belongs to the session, not to the component.
    expectTypeOf(session.state).not.toHaveProperty('set');
    expectTypeOf(injectSession<{ code: string }>().login).parameter(0).toEqualTypeOf<{ code: string }>();
  });

  it('the interceptor and the guard are functional, for withInterceptors and canActivate(Child)', () => {
    expectTypeOf(tokenwardInterceptor).toEqualTypeOf<HttpInterceptorFn>();
    expectTypeOf(authGuard).toExtend<CanActivateFn>();
    expectTypeOf(authGuard).toExtend<CanActivateChildFn>();
  });
});
